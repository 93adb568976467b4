using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
            Assert.True(DateTime.UtcNow < deadline, "the running service did not continue the instance within 15 s");
            await Task.Delay(50);
        }
    }
}
