using System.Text;
using System.Text.Json.Nodes;
using Automation.Channels.Mail;
using Automation.Channels.Persistence;
using Automation.Server.Events;
using Automation.Server.Tests.Support;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Automation.Server.Tests.Operations;

/// The running service continues instances a node left mid-step (`Recovery:*`), without a restart.
public sealed class RecoverySweepTests
{
    private static readonly Dictionary<string, string> Workflows = new()
    {
        ["new"] = new StatusFlow("new", 100)
            .Add("wait", "Elsa.Event", new { eventName = "approved" })
            .Add("after", "Automation.WriteToLog", new { text = "continued by the sweep" })
            .Connect("start->wait", "wait->after"),
    };

    [Fact]
    public async Task A_running_node_finishes_an_instance_left_mid_step_once_it_is_stale_and_leaves_a_recent_one_alone()
    {
        await using var host = await ServiceHost.StartAsync(Workflows, new Dictionary<string, string?> { ["Recovery:SweepInterval"] = "00:00:00.100" });
        var stale = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var recent = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        // As a node killed after committing `wait` and before running `after` leaves them: `Running`, `after` queued.
        await StrandAsync(host, stale, host.Clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        await StrandAsync(host, recent, host.Clock.GetUtcNow() - TimeSpan.FromSeconds(10));

        await WaitUntilAsync(async () => await StatusAsync(host, stale) == nameof(WorkflowStatus.Finished));
        Assert.Single(await host.TimelineTextsAsync(stale), t => t == "continued by the sweep");
        Assert.Equal(nameof(WorkflowStatus.Running), await StatusAsync(host, recent));
        Assert.DoesNotContain("continued by the sweep", await host.TimelineTextsAsync(recent));

        host.Clock.Advance(TimeSpan.FromSeconds(51)); // now 61 s since its last update, past the default Recovery:StaleAfter
        await WaitUntilAsync(async () => await StatusAsync(host, recent) == nameof(WorkflowStatus.Finished));
        Assert.Single(await host.TimelineTextsAsync(recent), t => t == "continued by the sweep");
        Assert.Single(await host.TimelineTextsAsync(stale), t => t == "continued by the sweep");
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_running_node_reports_mail_a_node_stored_and_never_reported_once_it_is_stale(bool postgres)
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["answered"] = new StatusFlow("answered", 200).Add("reply", "Automation.IncomingEmailTrigger"),
        };
        using var database = postgres ? await TestDatabases.PostgresAsync() : null;
        await using var host = await ServiceHost.StartAsync(workflows, FastSweep(database));
        var stale = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var recent = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        // As a node killed after storing a client's reply and before reporting it leaves it: stored, no notice given.
        await StoreUnreportedAsync(host, stale, "stale", host.Clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        await StoreUnreportedAsync(host, recent, "recent", host.Clock.GetUtcNow() - TimeSpan.FromSeconds(10));

        await WaitUntilAsync(async () => (await host.GetAsync($"/api/orders/{stale}"))["status"]!.GetValue<string>() == "answered");
        Assert.Single(await host.TimelineTextsAsync(stale), t => t == "Email from ann@example.com received: Re: stale");
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{recent}"))["status"]!.GetValue<string>());

        host.Clock.Advance(TimeSpan.FromSeconds(51)); // now 61 s since it was stored, past the default Recovery:StaleAfter
        await WaitUntilAsync(async () => (await host.GetAsync($"/api/orders/{recent}"))["status"]!.GetValue<string>() == "answered");
        await Task.Delay(300); // a few more sweeps: each message is reported once
        Assert.Single(await host.TimelineTextsAsync(recent), t => t == "Email from ann@example.com received: Re: recent");
        Assert.Single(await host.TimelineTextsAsync(stale), t => t.StartsWith("Email from", StringComparison.Ordinal));
        await using var db = host.Services.GetRequiredService<Func<ChannelsDb>>()();
        Assert.Equal(0, await db.InboundMail.CountAsync(m => m.NotifiedAt == null));
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_running_node_schedules_the_timers_a_node_committed_and_never_scheduled_once_they_are_stale(bool postgres)
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("later", "Automation.WriteToLog", new { text = "a minute later", delay = new { kind = "After", value = 1, unit = "Minutes" } })
                .Add("wait", "Automation.Wait", new { days = 1 })
                .Connect("start->later", "start->wait"),
        };
        using var database = postgres ? await TestDatabases.PostgresAsync() : null;
        await using var host = await ServiceHost.StartAsync(workflows, FastSweep(database));
        var orderId = (await host.CreateOrderAsync(new { client = new { name = "Ann Buyer", email = "ann@example.com" }, responsibleId = 2, currency = "EUR" }))["id"]!.GetValue<long>();
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var timer = Assert.Single(await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(QuartzTimerScheduler.Group)));
        var marker = Assert.Single(await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(WaitEnds.Group)));

        // As a node killed after committing the step that set them and before scheduling them leaves them: no jobs.
        Assert.True(await scheduler.DeleteJob(timer) && await scheduler.DeleteJob(marker));
        await Task.Delay(500); // several sweeps: the timers are recent, their node may be scheduling them now
        Assert.False(await scheduler.Exists(timer));

        host.Clock.Advance(TimeSpan.FromSeconds(61)); // past the default Recovery:StaleAfter, and the delayed rule is due
        await WaitUntilAsync(async () => (await host.TimelineTextsAsync(orderId)).Contains("a minute later"));
        await WaitUntilAsync(() => scheduler.Exists(marker).AsTask());
        await Task.Delay(300);
        Assert.Single(await host.TimelineTextsAsync(orderId), t => t == "a minute later");
        Assert.False(await scheduler.Exists(timer)); // fired once, gone with its bookmark
    }

    /// A sweep every 100 ms, on SQLite or on a PostgreSQL database of the test's own (where several nodes would run).
    private static Dictionary<string, string?> FastSweep(TestDatabase? postgres)
    {
        var settings = new Dictionary<string, string?> { ["Recovery:SweepInterval"] = "00:00:00.100" };
        if (postgres is null) return settings;
        settings["Database:Provider"] = "PostgreSQL";
        settings["ConnectionStrings:Automation"] = postgres.ConnectionString;
        return settings;
    }

    private static async Task StoreUnreportedAsync(ServiceHost host, long orderId, string subject, DateTimeOffset receivedAt)
    {
        await using var db = host.Services.GetRequiredService<Func<ChannelsDb>>()();
        db.InboundMail.Add(new InboundMail
        {
            DedupKey = $"id:<{subject}@example.com>",
            ReceivedAt = receivedAt,
            EnvelopeFrom = "ann@example.com",
            Raw = Encoding.ASCII.GetBytes($"From: ann@example.com\r\nSubject: Re: {subject}\r\n\r\nWhere is it?\r\n"),
            MessageId = $"<{subject}@example.com>",
            FromAddress = "ann@example.com",
            Subject = $"Re: {subject}",
            TextBody = "Where is it?",
            OrderId = orderId,
        });
        await db.SaveChangesAsync();
    }

    private static async Task StrandAsync(ServiceHost host, long orderId, DateTimeOffset updatedAt)
    {
        var database = host.Services.GetRequiredService<WorkflowDatabase>();
        await using var connection = await database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var correlation = orderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var instance = await db.Instances.AsTracking().SingleAsync(i => i.CorrelationId == correlation);
        Assert.Equal(nameof(WorkflowStatus.Suspended), instance.Status);
        var state = JsonNode.Parse(instance.State)!.AsObject();
        state["waiting"] = new JsonArray();
        state["queue"] = new JsonArray("after");
        instance.State = state.ToJsonString();
        instance.Status = nameof(WorkflowStatus.Running);
        instance.UpdatedAt = updatedAt;
        db.Bookmarks.RemoveRange(db.Bookmarks.Where(b => b.InstanceId == instance.Id));
        await db.SaveChangesAsync();
    }

    private static async Task<string> StatusAsync(ServiceHost host, long orderId)
    {
        var database = host.Services.GetRequiredService<WorkflowDatabase>();
        await using var connection = await database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var correlation = orderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.Instances.Where(i => i.CorrelationId == correlation).Select(i => i.Status).SingleAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the running service did not finish what was left within 15 s");
            await Task.Delay(50);
        }
    }
}
