using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Rules.Pipeline;
using Automation.Server.Hosting;
using Automation.Server.Operations;
using Automation.Workflows.Persistence;
using Microsoft.Extensions.Options;

namespace Automation.Server.Events;

/// Events enter through the inbox (DESIGN.md §4): stored first, with a lease held by the receiver, then processed right
/// away; if processing does not finish (a crash, an error), the inbox pump takes the event over when the lease ends.
public sealed class EventIntake(
    WorkflowDatabase database, EventProcessor processor, FloodGuard flood, TimeProvider clock, IOptions<PipelineSettings> settings,
    ILogger<EventIntake> log)
{
    /// Stores an event from outside (once per idempotency key) and processes it. A repeated key returns the first
    /// event and its outcome.
    public async Task<Intake> ReceiveAsync(InboxEvent incoming, CancellationToken ct)
    {
        InboxAcceptance accepted;
        FloodDrop? dropped = null;
        await using (var work = await database.BeginAsync(ct))
        {
            incoming.LockedUntil = clock.GetUtcNow() + settings.Value.EventLease;
            accepted = await new EventInbox(work.Db<StoreDb>(), clock).AcceptAsync(incoming, ct);
            // The flood guard counts new events only: a repeated key is answered as a repeat.
            if (!accepted.AlreadyReceived && incoming.OrderId is { } orderId)
            {
                dropped = flood.Count(orderId);
                if (dropped is not null) await flood.DropAsync(work.Db<StoreDb>(), accepted.Event, dropped, ct);
            }
            await work.CommitAsync(ct);
        }
        if (accepted.AlreadyReceived) return new Intake(accepted.Event, AlreadyReceived: true, Outcome: null);
        ServiceMetrics.Received(accepted.Event.Type);
        if (dropped is not null) return new Intake(accepted.Event, AlreadyReceived: false, Outcome: null) { Dropped = dropped };
        return new Intake(accepted.Event, AlreadyReceived: false, await ProcessAsync(accepted.Event.Id, ct));
    }

    /// Runs a change of the store that may raise events (a payment, a shipment update, a cancellation), commits it
    /// with those events held for this caller, then processes them in order.
    public async Task<(T Result, IReadOnlyList<EventOutcome> Outcomes)> ChangeAsync<T>(Func<StoreDb, Task<T>> change, CancellationToken ct)
    {
        T result;
        List<InboxEvent> raised;
        await using (var work = await database.BeginAsync(ct))
        {
            var db = work.Db<StoreDb>();
            result = await change(db);
            // The store's services save as they go; the events this change raised are the unprocessed ones it tracks.
            raised = db.ChangeTracker.Entries<InboxEvent>().Select(e => e.Entity).Where(e => e.ProcessedAt is null).ToList();
            foreach (var e in raised) e.LockedUntil = clock.GetUtcNow() + settings.Value.EventLease;
            await work.CommitAsync(ct);
        }
        foreach (var e in raised) ServiceMetrics.Received(e.Type);
        var outcomes = new List<EventOutcome>();
        foreach (var e in raised.OrderBy(e => e.Id))
            if (await ProcessAsync(e.Id, ct) is { } outcome) outcomes.Add(outcome);
        return (result, outcomes);
    }

    /// Processes one stored event; null when it failed: it stays in the inbox, its lease is let go, and the inbox pump
    /// of any node retries it on its next pass (a conflict with another node's step is the usual cause).
    private async Task<EventOutcome?> ProcessAsync(long eventId, CancellationToken ct)
    {
        EventOutcome? outcome = null;
        try
        {
            outcome = await processor.ProcessAsync(eventId, ct);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            log.LogError(error, "Event {EventId} could not be processed now; the inbox pump retries it", eventId);
            await ReleaseAsync(eventId);
        }
        ServiceMetrics.Processed(outcome);
        return outcome;
    }

    private async Task ReleaseAsync(long eventId)
    {
        try
        {
            await using var work = await database.BeginAsync(CancellationToken.None);
            await new EventInbox(work.Db<StoreDb>(), clock).ReleaseAsync(eventId, CancellationToken.None);
            await work.CommitAsync(CancellationToken.None);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            log.LogWarning(error, "Event {EventId} keeps its lease; the pump retries it when the lease ends", eventId);
        }
    }
}

/// The stored event; Outcome is null when it was received before (see the event's own outcome) or processing is pending.
public sealed record Intake(InboxEvent Event, bool AlreadyReceived, EventOutcome? Outcome)
{
    /// Set when the flood guard stored the event without processing it.
    public FloodDrop? Dropped { get; init; }
}
