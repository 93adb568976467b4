using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Events;
using Automation.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Automation.Server.Tests.Employees;

/// The Wait rule through the host: its waiting marker on the order, closed by the client's next activity or by its end
/// timer (which notifies the responsible and survives a restart), and our "pause the following rules" extension.
public sealed class WaitRuleTests
{
    private const string Log = "Automation.WriteToLog";

    private static object NewOrder(Dictionary<string, string?>? fields = null) => new
    {
        client = new { name = "Ann Buyer", email = "ann@example.com", phone = "+1 555 0100" },
        items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
        currency = "EUR",
        responsibleId = 2,
        fields,
    };

    private static async Task<long> CreateOrderAsync(ServiceHost host, Dictionary<string, string?>? fields = null) =>
        (await host.CreateOrderAsync(NewOrder(fields)))["id"]!.GetValue<long>();

    private static async Task<JsonObject> WaitMarkerAsync(ServiceHost host, long orderId) =>
        Assert.Single(await host.GetArrayAsync($"/api/orders/{orderId}/activities?includeCompleted=true"), a => a!["kind"]!.GetValue<string>() == "Wait")!.AsObject();

    private static async Task<List<string>> NotificationsAsync(ServiceHost host, long employeeId) =>
        (await host.GetAsync($"/api/notifications?employeeId={employeeId}"))["items"]!.AsArray().Select(n => n!["text"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Wait_places_a_marker_for_the_responsible_the_rules_after_it_go_on_and_the_client_s_call_completes_it()
    {
        var flow = new StatusFlow("new", 100)
            .Add("wait", "Automation.Wait", new { days = 3, description = "Reply to the offer for {{ Order.Number }}" })
            .Add("log", Log, new { text = "after the wait rule: marker {{ Activities.wait.WaitId }}" })
            .Connect("start->wait", "wait->log");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = await CreateOrderAsync(host);
        var other = await CreateOrderAsync(host);

        var marker = await WaitMarkerAsync(host, id);
        var markerId = marker["id"]!.GetValue<long>();
        Assert.Equal(("Reply to the offer for 1001", 2L, false), (marker["subject"]!.GetValue<string>(), marker["responsibleId"]!.GetValue<long>(), marker["isCompleted"]!.GetValue<bool>()));
        Assert.Equal(host.Clock.GetUtcNow(), marker["startAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(host.Clock.GetUtcNow().AddDays(3), marker["endAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains($"after the wait rule: marker {markerId}", await host.TimelineTextsAsync(id));
        Assert.Contains(await host.TimelineTextsAsync(id), t => t.StartsWith("Waiting 'Reply to the offer for 1001' for employee 2", StringComparison.Ordinal));
        Assert.True(await host.Services.GetRequiredService<WaitEnds>().IsScheduledAsync(markerId, CancellationToken.None));

        // Something the store does is no client activity; the client's call is.
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "webhook", orderId = id }), 202);
        Assert.False((await WaitMarkerAsync(host, id))["isCompleted"]!.GetValue<bool>());
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "call.incoming", client = new { phone = "+1 555 0100" }, data = new { line = "main" } }), 202);

        marker = await WaitMarkerAsync(host, id);
        Assert.True(marker["isCompleted"]!.GetValue<bool>());
        Assert.Equal("the client's activity (call.incoming) arrived", marker["completedReason"]!.GetValue<string>());
        Assert.True((await WaitMarkerAsync(host, other))["isCompleted"]!.GetValue<bool>()); // the call named the client: all their open orders
        Assert.Contains("Waiting 'Reply to the offer for 1001' completed: the client's activity (call.incoming) arrived", await host.TimelineTextsAsync(id));

        // Its end changes nothing any more: no second completion, no notification.
        await host.AdvanceAsync(TimeSpan.FromDays(4));
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("Waiting 'Reply", StringComparison.Ordinal) && t.Contains("completed", StringComparison.Ordinal));
        Assert.Empty(await NotificationsAsync(host, 2));
    }

    [Fact]
    public async Task Wait_ends_by_its_timer_after_a_restart_and_notifies_the_responsible()
    {
        var flow = new StatusFlow("new", 100).Add("wait", "Automation.Wait", new { days = 2 }).Connect("start->wait");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = await CreateOrderAsync(host);
        var markerId = (await WaitMarkerAsync(host, id))["id"]!.GetValue<long>();
        var ends = host.Services.GetRequiredService<WaitEnds>();
        Assert.True(await ends.IsScheduledAsync(markerId, CancellationToken.None));

        // A stop that lost the job (between the commit and the scheduling call): the start schedules it again.
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.True(await scheduler.DeleteJob(new JobKey(markerId.ToString(System.Globalization.CultureInfo.InvariantCulture), WaitEnds.Group)));
        await host.StopAsync();
        await host.StartAgainAsync();
        await host.GetAsync($"/api/orders/{id}");
        Assert.True(await host.Services.GetRequiredService<WaitEnds>().IsScheduledAsync(markerId, CancellationToken.None));
        var trigger = await (await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler())
            .GetTrigger(new TriggerKey(markerId.ToString(System.Globalization.CultureInfo.InvariantCulture), WaitEnds.Group));
        Assert.Equal(host.Clock.GetUtcNow().AddDays(2), trigger!.StartTimeUtc);

        await host.AdvanceAsync(TimeSpan.FromDays(1));
        Assert.False((await WaitMarkerAsync(host, id))["isCompleted"]!.GetValue<bool>());
        Assert.Empty(await NotificationsAsync(host, 2));

        await host.AdvanceAsync(TimeSpan.FromDays(1));
        var marker = await WaitMarkerAsync(host, id);
        Assert.True(marker["isCompleted"]!.GetValue<bool>());
        Assert.Equal("its end came", marker["completedReason"]!.GetValue<string>());
        var note = Assert.Single(await NotificationsAsync(host, 2));
        Assert.Contains("Order 1001: the wait 'Waiting for the client'", note);
        Assert.Contains("Waiting 'Waiting for the client' completed: its end came", await host.TimelineTextsAsync(id));

        // The job firing late for a completed marker does nothing.
        Assert.Equal(0, await host.Services.GetRequiredService<WaitEnds>().EndDueAsync(CancellationToken.None));
        Assert.Single(await NotificationsAsync(host, 2));
    }

    [Fact]
    public async Task Wait_before_a_date_field_ends_that_many_days_before_it_and_a_missing_or_past_date_is_an_error_in_the_run_log()
    {
        var flow = new StatusFlow("new", 100)
            .Add("wait", "Automation.Wait", new { kind = "BeforeDateField", days = 3, dateField = "deliveryDate" })
            .Add("log", Log, new { text = "went on" })
            .Connect("start->wait", "wait->log");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var delivery = host.Clock.GetUtcNow().AddDays(10);
        var dated = await CreateOrderAsync(host, new() { ["deliveryDate"] = delivery.ToString("O") });
        var undated = await CreateOrderAsync(host);
        var soon = await CreateOrderAsync(host, new() { ["deliveryDate"] = host.Clock.GetUtcNow().AddDays(2).ToString("O") });

        Assert.Equal(delivery.AddDays(-3), (await WaitMarkerAsync(host, dated))["endAt"]!.GetValue<DateTimeOffset>());
        foreach (var (order, reason) in new[] { (undated, "the order has no date in field 'deliveryDate'"), (soon, "3 day(s) before 'deliveryDate'") })
        {
            Assert.DoesNotContain(await host.GetArrayAsync($"/api/orders/{order}/activities?includeCompleted=true"), a => a!["kind"]!.GetValue<string>() == "Wait");
            var texts = await host.TimelineTextsAsync(order);
            Assert.Contains(texts, t => t.StartsWith("Rule 'wait' placed no waiting marker: " + reason, StringComparison.Ordinal));
            Assert.Contains("went on", texts);
            Assert.Contains(reason, await host.Client.GetStringAsync($"/api/orders/{order}/runs"));
        }
    }

    [Fact]
    public async Task Pause_holds_the_next_rules_until_the_client_s_next_activity_or_the_end()
    {
        var flow = new StatusFlow("new", 100)
            .Add("wait", "Automation.Wait", new { days = 2, pauseFollowingRules = "UntilClientActivityOrEnd" })
            .Add("log", Log, new { text = "resumed by {{ Activities.wait.EndedBy }}" })
            .Connect("start->wait", "wait->log");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var chatting = await CreateOrderAsync(host);
        var silent = await CreateOrderAsync(host);
        Assert.DoesNotContain(await host.TimelineTextsAsync(chatting), t => t.StartsWith("resumed by", StringComparison.Ordinal));

        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "payment.received", orderId = chatting }), 202);
        Assert.DoesNotContain(await host.TimelineTextsAsync(chatting), t => t.StartsWith("resumed by", StringComparison.Ordinal));
        var reply = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "chat.message", orderId = chatting, data = new { text = "hello?" } }), 202);
        Assert.Equal(1, reply["result"]!["resumedWaits"]!.GetValue<int>());
        Assert.Contains("resumed by client activity (chat.message)", await host.TimelineTextsAsync(chatting));
        Assert.True((await WaitMarkerAsync(host, chatting))["isCompleted"]!.GetValue<bool>());
        Assert.DoesNotContain(await host.TimelineTextsAsync(silent), t => t.StartsWith("resumed by", StringComparison.Ordinal));

        await host.AdvanceAsync(TimeSpan.FromDays(2));
        Assert.Contains("resumed by end", await host.TimelineTextsAsync(silent));
        Assert.Single(await host.TimelineTextsAsync(chatting), t => t.StartsWith("resumed by", StringComparison.Ordinal));
        Assert.Single(await NotificationsAsync(host, 2));
    }

    [Fact]
    public async Task Wait_shows_its_settings_in_studio_as_dropdowns()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        var descriptors = await host.GetAsync("/elsa/api/descriptors/activities");
        var wait = descriptors["items"]!.AsArray().Single(d => d!["typeName"]!.GetValue<string>() == "Automation.Wait")!;
        var inputs = wait["inputs"]!.AsArray().ToDictionary(i => i!["name"]!.GetValue<string>(), i => i!);
        Assert.Equal("dropdown", inputs["Kind"]!["uiHint"]!.GetValue<string>());
        Assert.Equal("dropdown", inputs["PauseFollowingRules"]!["uiHint"]!.GetValue<string>());
        Assert.Contains("UntilClientActivity", inputs["PauseFollowingRules"]!.ToJsonString());
        Assert.Equal("Employees", wait["category"]!.GetValue<string>());
    }
}
