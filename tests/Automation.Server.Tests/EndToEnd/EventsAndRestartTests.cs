using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.EndToEnd;

/// The event inbox, waiting workflows resumed from outside, and a restart of the service.
public sealed class EventsAndRestartTests
{
    [Fact]
    public async Task An_event_sent_twice_with_one_idempotency_key_is_stored_and_processed_once()
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["called"] = new StatusFlow("called", 200).Add("hook", "Automation.WebhookTrigger", new { code = "" })
                .Add("log", "Automation.WriteToLog", new { text = "entered called" }).Connect("start->log"),
        };
        await using var host = await ServiceHost.StartAsync(workflows);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var body = new { type = "webhook", orderId = id, data = new { code = "x" }, idempotencyKey = "crm-42" };

        var first = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", body), 202);
        Assert.False(first["alreadyReceived"]!.GetValue<bool>());
        Assert.True(first["result"]!["moved"]!.GetValue<bool>());
        var second = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", body), 200);
        Assert.True(second["alreadyReceived"]!.GetValue<bool>());
        Assert.Equal(first["id"]!.GetValue<long>(), second["id"]!.GetValue<long>());
        Assert.StartsWith("moved from 'new' to 'called'", second["outcome"]!.GetValue<string>());
        Assert.Single(await host.TimelineTextsAsync(id), t => t == "entered called");
    }

    [Fact]
    public async Task A_workflow_waiting_for_an_event_resumes_by_bookmark_token_once()
    {
        var flow = new StatusFlow("new", 100)
            .Add("wait", "Elsa.Event", new { eventName = "approved" })
            .Add("after", "Automation.WriteToLog", new { text = "approved by {{ Activities.wait.Result.by }}" })
            .Connect("start->wait", "wait->after");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var token = await BookmarkOfAsync(host, id);

        var resumed = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/bookmarks/{token}/resume", new { by = "Mia" }), 200);
        Assert.Equal("Finished", resumed["status"]!.GetValue<string>());
        Assert.Contains("approved by Mia", await host.TimelineTextsAsync(id));
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync($"/api/bookmarks/{token}/resume", new { by = "Mia" }), 404, token);
    }

    [Fact]
    public async Task A_restart_keeps_orders_waiting_rules_and_their_timers()
    {
        await using var host = await ServiceHost.StartAsync();
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await host.CreateOrderAsync();
        await host.StopAsync();

        await host.StartAgainAsync();
        Assert.Equal(2, (await host.GetAsync("/api/orders"))["total"]!.GetValue<int>());
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        await host.AdvanceAsync(TimeSpan.FromDays(3.1));
        Assert.Contains("Order 1001 is still not paid three days after it was placed.", await host.TimelineTextsAsync(id));
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
        Assert.Equal("paid", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_event_left_unprocessed_by_a_crash_is_processed_by_the_inbox_pump()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:EventLease"] = "00:00:00.100" });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await host.StopAsync();
        // What a crash between receipt and processing leaves: a stored payment event nobody processed.
        await using (var connection = new SqliteConnection($"Data Source={host.DatabaseFile}"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "UPDATE orders SET IsPaid = 1 WHERE Id = $id; INSERT INTO inbox_events (Type, OrderId, Data, ReceivedAt, Attempts) VALUES ('payment.received', $id, '{}', '2026-11-21T09:00:00.0000000Z', 0);";
            insert.Parameters.AddWithValue("$id", id);
            await insert.ExecuteNonQueryAsync();
        }
        await host.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>() != "paid" && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal("paid", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
    }

    private static async Task<string> BookmarkOfAsync(ServiceHost host, long orderId)
    {
        var database = host.Services.GetRequiredService<WorkflowDatabase>();
        await using var connection = await database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var correlation = orderId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return db.Bookmarks.Single(b => b.CorrelationId == correlation).Id;
    }
}
