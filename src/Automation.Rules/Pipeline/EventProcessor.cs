using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Orders.Activities;
using Automation.Orders.Clients;
using Automation.Orders.Events;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Rules.Conditions;
using Automation.Rules.Expressions;
using Automation.Rules.Triggers;
using Automation.Workflows.Activities;
using Automation.Workflows.Builtins;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Pipeline;

/// Processes inbox events (DESIGN.md §4 Triggers): resumes the order's workflows waiting for the event, then lets the
/// first eligible trigger in status order move the order (one move per event), and marks the event processed in
/// the same unit of work as the move.
public sealed class EventProcessor(OrderPipeline pipeline, ExpressionEngine expressions, TimeProvider clock)
{
    private const int MaxAttempts = 5;

    /// Processes a stored event in a unit of work of its own (the inbox pump, or a receiver whose first attempt
    /// failed). When a step of another node or flow commits first on the same instance or bookmark, it starts over.
    public async Task<EventOutcome> ProcessAsync(long eventId, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var work = await pipeline.Engine.Database.BeginAsync(ct);
                var db = work.Db<StoreDb>();
                await RowLocks.LockInboxEventAsync(db, eventId, ct);
                var inboxEvent = await db.InboxEvents.FirstOrDefaultAsync(e => e.Id == eventId, ct);
                if (inboxEvent is null) return EventOutcome.NotMoved(eventId, null, $"event {eventId} does not exist");
                if (inboxEvent.ProcessedAt is not null) return EventOutcome.NotMoved(eventId, inboxEvent.OrderId, "already processed: " + inboxEvent.Outcome);
                var outcome = await ProcessAsync(work, inboxEvent, ct);
                await work.CommitAsync(ct);
                return outcome;
            }
            catch (Exception conflict) when (attempt < MaxAttempts && conflict is DbUpdateConcurrencyException or BookmarkGoneException)
            {
            }
        }
    }

    /// Processes an event inside the caller's unit of work (e.g. the one that stored it), which commits the outcome:
    /// resumes the order's workflows waiting for the event, lets the first eligible trigger move the order, and marks
    /// the event processed.
    public async Task<EventOutcome> ProcessAsync(StepUnitOfWork work, InboxEvent inboxEvent, CancellationToken ct)
    {
        var engine = pipeline.Engine;
        var db = work.Db<StoreDb>();
        var client = inboxEvent is { OrderId: null, ClientRef: { } reference } ? await ClientTargetAsync(work, db, reference, ct) : null;
        var data = JsonNode.Parse(inboxEvent.Data) as JsonObject ?? new JsonObject();
        IReadOnlyList<long> orders = inboxEvent.OrderId is { } named ? [named] : client?.OpenOrders ?? [];

        // Waits on this event (Elsa.Event with the event type as its name) resume first, in the same unit of work.
        var resumed = 0;
        foreach (var waitingOrder in orders)
            resumed += (await engine.ResumeAsync(work, new Stimulus(Event.TypeName, Event.Payload(inboxEvent.Type), OrderPipeline.OrderIdText(waitingOrder)), data, ct)).Count;
        if (inboxEvent.OrderId is { } order && data["waitKey"] is JsonValue key && key.TryGetValue<string>(out var waitKey))
            resumed += (await engine.ResumeAsync(work, RuleWait.Stimulus(waitKey, order), data, ct)).Count;
        var clientActivity = EventTypes.ClientActivities.Contains(inboxEvent.Type);
        if (clientActivity)
            foreach (var waitingOrder in orders)
                resumed += (await engine.ResumeAsync(work, RuleWait.Stimulus(RuleWait.ClientActivity, waitingOrder),
                    new JsonObject { ["eventId"] = inboxEvent.Id, ["eventType"] = inboxEvent.Type, ["data"] = data.DeepClone() }, ct)).Count;

        var outcome = inboxEvent.OrderId is { } orderId
            ? await MoveByTriggersAsync(work, db, new OrderEvent(inboxEvent.Type, orderId, data), ct)
            : await FanOutAsync(work, db, inboxEvent, client, data, ct);
        if (clientActivity) await new WaitMarkers(db, clock).CompleteOnClientActivityAsync(orders, inboxEvent.Type, ct);
        outcome = outcome with { EventId = inboxEvent.Id, ResumedWaits = resumed };
        inboxEvent.ProcessedAt = clock.GetUtcNow();
        inboxEvent.LockedUntil = null;
        inboxEvent.Outcome = outcome.Describe();
        return outcome;
    }

    /// An event naming only the client reaches each of the client's open orders, one move per order (domain.md §2).
    private async Task<EventOutcome> FanOutAsync(StepUnitOfWork work, StoreDb db, InboxEvent e, ClientTarget? client,
        JsonObject data, CancellationToken ct)
    {
        if (e.ClientRef is null) return EventOutcome.NotMoved(0, null, "the event names no order and no client");
        if (client is null) return EventOutcome.NotMoved(0, null, $"no client matches {e.ClientRef}");
        if (client.OpenOrders.Count == 0) return EventOutcome.NotMoved(0, null, $"client {client.ClientId} has no open order");
        var perOrder = new List<EventOutcome>();
        foreach (var orderId in client.OpenOrders)
            perOrder.Add(await MoveByTriggersAsync(work, db, new OrderEvent(e.Type, orderId, data), ct));
        var first = perOrder.FirstOrDefault(o => o.Moved) ?? perOrder[0];
        var reason = $"client {client.ClientId}: " + string.Join("; ", perOrder.Select(o => $"order {o.OrderId} {o.Describe()}"));
        return new EventOutcome(0, perOrder.Count == 1 ? first.OrderId : null, first.From, first.To, perOrder.Any(o => o.Moved), reason, 0) { Orders = perOrder };
    }

    /// The client an event names and its open orders: not canceled, not in a final (success/failure) status.
    private async Task<ClientTarget?> ClientTargetAsync(StepUnitOfWork work, StoreDb db, string reference, CancellationToken ct)
    {
        var parsed = JsonSerializer.Deserialize<ClientRef>(reference, JsonSerializerOptions.Web);
        if (parsed is null || await new ClientDirectory(db, clock).FindAsync(parsed, ct) is not { } client) return null;
        var final = (await pipeline.PublishedAsync(work, ct)).Statuses.Where(s => s.IsFinal).Select(s => s.Code).ToList();
        var open = await db.Orders.AsNoTracking().Where(o => o.ClientId == client.Id && !o.IsCanceled && !final.Contains(o.Status))
            .OrderBy(o => o.Id).Select(o => o.Id).ToListAsync(ct);
        return new ClientTarget(client.Id, open);
    }

    private sealed record ClientTarget(long ClientId, IReadOnlyList<long> OpenOrders);

    private async Task<EventOutcome> MoveByTriggersAsync(StepUnitOfWork work, StoreDb db, OrderEvent e, CancellationToken ct)
    {
        await RowLocks.LockOrderAsync(db, e.OrderId, ct);
        var order = await new OrderBook(db, clock).FindAsync(e.OrderId, ct);
        if (order is null) return EventOutcome.NotMoved(0, e.OrderId, $"order {e.OrderId} does not exist");
        var pipelineNow = await pipeline.PublishedAsync(work, ct);
        var current = pipelineNow.Statuses.FirstOrDefault(s => s.Code == order.Status);
        var currentIndex = current is null ? -1 : pipelineNow.Statuses.ToList().IndexOf(current);
        var candidates = pipelineNow.TriggersFor(e.Type);
        // Settings written as expressions read the order; plain settings (the usual case) need no model.
        var model = new ExpressionModel { ["Event"] = e.Data };
        if (candidates.Any(c => TriggerSettings.NeedsModel(c.Trigger))) model["Order"] = await OrderExpressionModel.DescribeAsync(db, order, ExpressionReferences.Everything, ct);
        var settings = new TriggerSettings(expressions, model);
        var reasons = new List<string>();
        foreach (var (index, status, trigger) in candidates)
        {
            if (Eligible(trigger, settings, e, order, index, currentIndex, current) is { } notEligible)
            {
                reasons.Add($"{status.Code}: {notEligible}");
                continue;
            }
            var move = await pipeline.EnterStatusAsync(work, order.Id, status.Code, StatusCause.Trigger(trigger.Node.Type), ct);
            return new EventOutcome(0, order.Id, move.From, move.To, move.Moved, move.Reason ?? $"trigger {trigger.Node.Type} of status '{status.Code}'", 0);
        }
        var why = candidates.Count == 0 ? $"no published trigger listens to '{e.Type}'" : string.Join("; ", reasons);
        return EventOutcome.NotMoved(0, order.Id, why) with { From = order.Status };
    }

    /// Null when the trigger may move the order, else why not.
    private static string? Eligible(OrderTrigger trigger, TriggerSettings settings, OrderEvent e, Order order, int index, int currentIndex, OrderStatus? current)
    {
        if (index == currentIndex) return "the order is already in this status";
        if (!trigger.Matches(e, settings)) return "the event does not match the trigger's settings";
        var backwards = settings.Get(trigger.AllowBackwards);
        if (current is { IsFinal: true } && !backwards) return $"the order is in final status '{current.Code}' and the trigger may not move it back";
        if (index < currentIndex && !backwards) return "the status is before the order's current status and the trigger may not move backwards";
        var verdict = ConditionEvaluator.Evaluate(settings.Get(trigger.Condition), field => OrderFields.Read(order, field));
        return verdict.Passed ? null : "condition not met: " + verdict.Describe();
    }
}

/// What processing an event did: moved the order From → To, or why not; and how many waiting workflows it resumed.
public sealed record EventOutcome(long EventId, long? OrderId, string? From, string? To, bool Moved, string Reason, int ResumedWaits)
{
    /// For an event that named only the client: what it did to each of the client's open orders.
    public IReadOnlyList<EventOutcome> Orders { get; init; } = [];

    public static EventOutcome NotMoved(long eventId, long? orderId, string reason) => new(eventId, orderId, null, null, false, reason, 0);

    public string Describe() => Orders.Count > 0 ? Reason : Moved ? $"moved from '{From}' to '{To}': {Reason}" : $"not moved: {Reason}";
}
