using Automation.Orders.Events;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;
using Automation.Rules.Tests.Support;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Tests.Pipeline;

/// Two nodes (each its own connections, engine, pipeline and event processor) on one PostgreSQL database, racing on
/// the same event and on the same order: every decision is taken once (docs/operations.md, "Several nodes").
public sealed class MultiNodeTests : IAsyncLifetime
{
    private const int Rounds = 12;
    private RulesHarness _one = null!;
    private RulesHarness _two = null!;

    public async Task InitializeAsync()
    {
        _one = await RulesHarness.StartPostgresAsync();
        _two = _one.OtherNode();
        // "new" finishes at once; "a" and "b" wait (for an event that never comes) until the order leaves them.
        await _one.PublishStatusAsync("new", 100, [], []);
        foreach (var (code, sort) in new[] { ("a", 200), ("b", 300) })
            await _one.PublishStatusAsync(code, sort,
                [("hook", "Automation.WebhookTrigger", new { Code = code }), ("wait", "Elsa.Event", new { EventName = "never" })], ["start->wait"]);
    }

    public async Task DisposeAsync()
    {
        await _two.DisposeAsync();
        await _one.DisposeAsync();
    }

    [Fact]
    public async Task One_event_processed_by_two_nodes_at_once_moves_the_order_once()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var order = await _one.CreateOrderAsync();
            var eventId = await StoreAsync(order.Id, "a");

            var outcomes = await Task.WhenAll(Task.Run(() => _one.Events.ProcessAsync(eventId)), Task.Run(() => _two.Events.ProcessAsync(eventId)));

            Assert.Single(outcomes, o => o.Moved);
            Assert.Equal(["new -> a"], await MovesAsync(order.Id));
            Assert.Equal(["a"], await OpenStatusInstancesAsync(order.Id));
        }
        AssertNoUnitTookASecondConnection();
    }

    [Fact]
    public async Task Two_events_for_one_order_on_two_nodes_change_its_status_one_after_the_other()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var order = await _one.CreateOrderAsync();
            var toA = await StoreAsync(order.Id, "a");
            var toB = await StoreAsync(order.Id, "b");

            await Task.WhenAll(Task.Run(() => _one.Events.ProcessAsync(toA)), Task.Run(() => _two.Events.ProcessAsync(toB)));

            // Either a then b (both move), or b first (then a, being earlier in the pipeline, does not move the order back).
            var moves = await MovesAsync(order.Id);
            Assert.Contains(string.Join(", ", moves), new[] { "new -> a, a -> b", "new -> b" });
            var status = (await _one.OrderAsync(order.Id)).Status;
            Assert.Equal("b", status);
            Assert.Equal([status], await OpenStatusInstancesAsync(order.Id));
        }
        AssertNoUnitTookASecondConnection();
    }

    // A unit of work that takes a second pooled connection can wait for ever when the pool runs dry under a burst. The
    // second node starts with nothing compiled, so its first units read the status workflows too.
    private void AssertNoUnitTookASecondConnection()
    {
        Assert.Equal(0, _one.Database.OpenedInsideUnit);
        Assert.Equal(0, _two.Database.OpenedInsideUnit);
    }

    private async Task<long> StoreAsync(long orderId, string code)
    {
        await using var db = _one.Store();
        var stored = await new EventInbox(db, _one.Clock).AcceptAsync(
            new InboxEvent { Type = EventTypes.Webhook, OrderId = orderId, Data = $$"""{"code":"{{code}}"}""" }, CancellationToken.None);
        return stored.Event.Id;
    }

    /// The order's status changes as "from -> to", oldest first.
    private async Task<List<string>> MovesAsync(long orderId)
    {
        await using var db = _one.Store();
        var changes = await db.TimelineEntries.AsNoTracking().Where(e => e.OrderId == orderId && e.Kind == TimelineKind.StatusChange)
            .OrderBy(e => e.Id).Select(e => e.Text).ToListAsync();
        return changes.Select(text => System.Text.RegularExpressions.Regex.Match(text, "from '(.*?)' to '(.*?)'")).Where(m => m.Success)
            .Select(m => $"{m.Groups[1].Value} -> {m.Groups[2].Value}").ToList();
    }

    /// The definitions of the order's status instances still running or waiting.
    private async Task<List<string>> OpenStatusInstancesAsync(long orderId)
    {
        await using var connection = await _one.Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, _one.Database.Provider);
        var correlation = OrderPipeline.OrderIdText(orderId);
        return await db.Instances.Where(i => i.CorrelationId == correlation
                && (i.Status == nameof(WorkflowStatus.Running) || i.Status == nameof(WorkflowStatus.Suspended)))
            .Select(i => i.DefinitionId).ToListAsync();
    }
}
