using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Rules.Pipeline;
using Automation.Server.Hosting;
using Automation.Server.Operations;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Automation.Server.Events;

/// Events enter through the inbox (DESIGN.md §4). Usually an event is stored and processed in one unit of work: the
/// change that raised it (or its arrival), the workflows it resumes, the status it moves the order to and the rules
/// that run there commit together or not at all. When processing fails, the change or arrival is committed alone with
/// a lease held by this receiver and processed once more; if that fails too, the inbox pump takes the event over when
/// the lease ends. Nothing a caller was told is stored is ever lost to a failure of its processing.
public sealed class EventIntake(
    WorkflowDatabase database, EventProcessor processor, FloodGuard flood, TimeProvider clock, IOptions<PipelineSettings> settings,
    ILogger<EventIntake> log)
{
    /// Stores an event from outside (once per idempotency key) and processes it. A repeated key returns the first
    /// event and its outcome.
    public async Task<Intake> ReceiveAsync(InboxEvent incoming, CancellationToken ct)
    {
        FloodDrop? dropped = null;
        var counted = false;
        var (accepted, outcomes, _) = await StoreAndProcessAsync<InboxAcceptance, object>(async db =>
        {
            // A copy per attempt: a rolled-back attempt leaves its generated id and outcome on the entity it stored.
            var accepted = await new EventInbox(db, clock).AcceptAsync(incoming.Copy(), ct);
            if (accepted.AlreadyReceived) return (accepted, []);
            // The flood guard counts new events only (a repeated key is answered as a repeat), each once whatever the attempts.
            if (!counted && incoming.OrderId is { } orderId) (dropped, counted) = (flood.Count(orderId), true);
            if (dropped is not null)
            {
                await flood.DropAsync(db, accepted.Event, dropped, ct);
                return (accepted, []);
            }
            return (accepted, [accepted.Event]);
        }, see: null, ct);
        if (accepted.AlreadyReceived) return new Intake(accepted.Event, AlreadyReceived: true, Outcome: null);
        if (dropped is not null)
        {
            ServiceMetrics.Received(accepted.Event.Type);
            return new Intake(accepted.Event, AlreadyReceived: false, Outcome: null) { Dropped = dropped };
        }
        return new Intake(accepted.Event, AlreadyReceived: false, outcomes.FirstOrDefault());
    }

    /// Runs a change of the store that may raise events (a payment, a shipment update, a cancellation) and processes
    /// the events it raised, in order.
    public async Task<(T Result, IReadOnlyList<EventOutcome> Outcomes)> ChangeAsync<T>(Func<StoreDb, Task<T>> change, CancellationToken ct)
    {
        var changed = await ChangeAsync<T, object>(change, see: null, ct);
        return (changed.Result, changed.Outcomes);
    }

    /// The same, and what <paramref name="see"/> takes from the unit of work once the events are processed (entities
    /// it tracks, such as the changed order), so that the caller can answer with the state it committed instead of
    /// reading it back. Seen is null when the events were processed in units of their own, after a failure: the
    /// change's unit then did not leave the state that was committed last.
    public Task<Changed<T, TSeen>> ChangeAsync<T, TSeen>(Func<StoreDb, Task<T>> change, Func<StoreDb, TSeen?>? see, CancellationToken ct)
        where TSeen : class =>
        StoreAndProcessAsync(async db =>
        {
            var result = await change(db);
            // The events this change raised are the unprocessed ones the context tracks: saved already, or added and left
            // to the unit's commit (which then inserts them processed), in the order they were raised. Raised events are
            // added to the context (never reached through a navigation), so no detection is needed.
            var raised = db.TrackedWithoutDetecting<InboxEvent>().Where(e => e.Entity.ProcessedAt is null)
                .OrderBy(e => e.State == EntityState.Added).ThenBy(e => e.Property(nameof(InboxEvent.Id)).CurrentValue).Select(e => e.Entity).ToList();
            return (result, raised);
        }, see, ct);

    /// The change (which stores the events to process) and the processing, in one unit of work; on a failure of the
    /// processing, the change in a unit of its own and each event processed after it.
    private async Task<Changed<T, TSeen>> StoreAndProcessAsync<T, TSeen>(
        Func<StoreDb, Task<(T Result, IReadOnlyList<InboxEvent> Events)>> change, Func<StoreDb, TSeen?>? see, CancellationToken ct)
        where TSeen : class
    {
        await using (var work = await database.BeginAsync(ct))
        {
            var db = work.Db<StoreDb>();
            var (result, events) = await change(db);
            try
            {
                var outcomes = new List<EventOutcome>(events.Count);
                foreach (var e in events) outcomes.Add(await processor.ProcessAsync(work, e, ct));
                var seen = see?.Invoke(db);
                await work.CommitAsync(ct);
                // An event the commit inserted has its id only now.
                for (var i = 0; i < events.Count; i++) outcomes[i] = outcomes[i] with { EventId = events[i].Id };
                foreach (var e in events) ServiceMetrics.Received(e.Type);
                foreach (var outcome in outcomes) ServiceMetrics.Processed(outcome);
                return new(result, outcomes, seen);
            }
            // Only a unit that did not commit is redone: once committed (an action after the commit failing, such as
            // scheduling a timer), running the change again would apply it twice.
            catch (Exception error) when (error is not OperationCanceledException && !work.IsCommitted)
            {
                log.LogWarning(error, "Processing events {EventTypes} with the change that raised them failed; committing the change alone",
                    string.Join(", ", events.Select(e => e.Type)));
            }
        }
        T stored;
        List<long> pending;
        await using (var work = await database.BeginAsync(ct))
        {
            var (result, events) = await change(work.Db<StoreDb>());
            foreach (var e in events) e.LockedUntil = clock.GetUtcNow() + settings.Value.EventLease;
            await work.CommitAsync(ct);
            foreach (var e in events) ServiceMetrics.Received(e.Type);
            (stored, pending) = (result, events.Select(e => e.Id).ToList());
        }
        var later = new List<EventOutcome>();
        foreach (var id in pending)
            if (await ProcessAsync(id, ct) is { } outcome) later.Add(outcome);
        return new(stored, later, null);
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

/// What a change returned, the outcomes of the events it raised, and what the caller saw of its unit of work after
/// processing them (null when they were processed in units of their own).
public sealed record Changed<T, TSeen>(T Result, IReadOnlyList<EventOutcome> Outcomes, TSeen? Seen) where TSeen : class;

/// The stored event; Outcome is null when it was received before (see the event's own outcome) or processing is pending.
public sealed record Intake(InboxEvent Event, bool AlreadyReceived, EventOutcome? Outcome)
{
    /// Set when the flood guard stored the event without processing it.
    public FloodDrop? Dropped { get; init; }
}
