using System.Net.Http.Json;
using Automation.Server.Api;
using Automation.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.EndToEnd;

/// What protects the intake: the per-order flood guard, and the same event arriving several times at once.
public sealed class IntakeGuardTests
{
    private static Dictionary<string, string> Pipeline() => new()
    {
        ["new"] = new StatusFlow("new", 100),
        ["called"] = new StatusFlow("called", 200).Add("call", "Automation.IncomingCallTrigger", new { line = "" })
            .Add("log", "Automation.WriteToLog", new { text = "called rule ran" }).Connect("start->log"),
    };

    private static async Task<string> StatusAsync(ServiceHost host, long id) => (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>();

    private static Task<HttpResponseMessage> PostEventAsync(ServiceHost host, string type, long orderId, string? key = null) =>
        host.Client.PostAsJsonAsync("/api/events", new { type, orderId, idempotencyKey = key });

    [Fact]
    public async Task Burst_for_one_order_is_cut_at_the_limit_with_one_timeline_line_per_window_and_another_order_is_unaffected()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline(), new Dictionary<string, string?>
        {
            ["Pipeline:FloodLimit"] = "3",
            ["Pipeline:FloodWindow"] = "00:01:00",
        });
        var flooded = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var calm = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        for (var i = 0; i < 3; i++) await Expect.JsonAsync(await PostEventAsync(host, "visit", flooded), 202);
        // Beyond the limit: even an event that would move the order is stored, not processed.
        var problem = await Expect.ProblemAsync(await PostEventAsync(host, "call.incoming", flooded, "over-1"), 429, $"Order {flooded}", "more than 3 events");
        Assert.Equal("flood_guard", problem["code"]!.GetValue<string>());
        var droppedId = problem["eventId"]!.GetValue<long>();
        await Expect.ProblemAsync(await PostEventAsync(host, "visit", flooded), 429, $"Order {flooded}");
        await Expect.ProblemAsync(await PostEventAsync(host, "visit", flooded), 429, $"Order {flooded}");
        Assert.Equal("new", await StatusAsync(host, flooded));
        var dropped = await host.GetAsync($"/api/events/{droppedId}");
        Assert.StartsWith($"dropped: order {flooded} received more than 3 events", dropped["outcome"]!.GetValue<string>());
        Assert.NotNull(dropped["processedAt"]);
        // The same key again is the same (dropped) event, not a new one.
        Assert.Equal(droppedId, (await Expect.JsonAsync(await PostEventAsync(host, "call.incoming", flooded, "over-1"), 200))["id"]!.GetValue<long>());

        // The other order is not touched by the flood.
        await Expect.JsonAsync(await PostEventAsync(host, "call.incoming", calm), 202);
        Assert.Equal("called", await StatusAsync(host, calm));

        var guardLines = (await host.TimelineTextsAsync(flooded)).Where(t => t.StartsWith("Flood guard:", StringComparison.Ordinal)).ToList();
        Assert.Single(guardLines);
        Assert.Contains("more than 3 events within 00:01:00", guardLines[0]);
        Assert.DoesNotContain(await host.TimelineTextsAsync(calm), t => t.StartsWith("Flood guard:", StringComparison.Ordinal));

        // The pump never picks the dropped events up.
        await Task.Delay(600);
        Assert.Equal("new", await StatusAsync(host, flooded));
        var store = host.Services.GetRequiredService<StoreAccess>();
        Assert.Equal(3, await store.ReadAsync(db => db.InboxEvents.CountAsync(e => e.OrderId == flooded && e.Outcome!.StartsWith("dropped")), CancellationToken.None));

        // A new window: processed again; a second flood in it gets its own single line.
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Expect.JsonAsync(await PostEventAsync(host, "call.incoming", flooded), 202);
        Assert.Equal("called", await StatusAsync(host, flooded));
        for (var i = 0; i < 2; i++) await Expect.JsonAsync(await PostEventAsync(host, "visit", flooded), 202);
        for (var i = 0; i < 2; i++) await Expect.ProblemAsync(await PostEventAsync(host, "visit", flooded), 429, "more than 3");
        Assert.Equal(2, (await host.TimelineTextsAsync(flooded)).Count(t => t.StartsWith("Flood guard:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Same_event_posted_in_parallel_is_processed_once_with_one_move_and_one_run_of_each_rule()
    {
        const int Callers = 12;
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        using var start = new Barrier(Callers);
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            return await PostEventAsync(host, "call.incoming", id, "call-42");
        })).ToList();
        var replies = await Task.WhenAll(calls);

        var bodies = new List<(int Status, long EventId, bool AlreadyReceived)>();
        foreach (var reply in replies)
        {
            var body = await Expect.JsonAsync(reply, (int)reply.StatusCode is 202 ? 202 : 200);
            bodies.Add(((int)reply.StatusCode, body["id"]!.GetValue<long>(), body["alreadyReceived"]!.GetValue<bool>()));
        }
        Assert.Single(bodies, b => b.Status == 202);
        Assert.Equal(Callers - 1, bodies.Count(b => b is { Status: 200, AlreadyReceived: true }));
        Assert.Single(bodies.Select(b => b.EventId).Distinct());

        Assert.Equal("called", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        var timeline = await host.TimelineTextsAsync(id);
        Assert.Single(timeline, t => t.StartsWith("Status changed from 'new' to 'called'", StringComparison.Ordinal));
        Assert.Single(timeline, t => t == "called rule ran");
        var store = host.Services.GetRequiredService<StoreAccess>();
        Assert.Equal(1, await store.ReadAsync(db => db.InboxEvents.CountAsync(e => e.IdempotencyKey == "call-42"), CancellationToken.None));
        var runs = await host.Client.GetStringAsync($"/api/orders/{id}/runs");
        Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(runs)!.AsArray(), r => r!["definitionId"]?.GetValue<string>() == "called");
    }
}
