using System.Text.Json;
using Automation.Orders.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Automation.Orders.Events;

/// The outcome of handing an event to the inbox: the stored event, and whether it had been received before.
public sealed record InboxAcceptance(InboxEvent Event, bool AlreadyReceived);

/// The event inbox (DESIGN.md §4): events are stored first and processed after, each once.
public sealed class EventInbox(StoreDb db, TimeProvider clock)
{
    private const int ClaimCandidateCount = 16;

    /// Stores the event, unless an event with the same idempotency key is already stored: then that one is returned.
    /// Safe under concurrent duplicates: the unique index decides, and the loser reads the winner's row.
    public async Task<InboxAcceptance> AcceptAsync(InboxEvent incoming, CancellationToken cancellationToken)
    {
        Validate(incoming);
        if (incoming.IdempotencyKey is { } key && await FindByKeyAsync(key, cancellationToken) is { } known)
        {
            return new InboxAcceptance(known, AlreadyReceived: true);
        }
        incoming.ReceivedAt = clock.GetUtcNow();
        db.InboxEvents.Add(incoming);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new InboxAcceptance(incoming, AlreadyReceived: false);
        }
        catch (DbUpdateException error) when (incoming.IdempotencyKey is not null && IsUniqueViolation(error))
        {
            // EF Core rolled back to its savepoint if a transaction was open, so the caller's transaction lives on.
            db.Entry(incoming).State = EntityState.Detached;
            var winner = await FindByKeyAsync(incoming.IdempotencyKey, cancellationToken);
            if (winner is null) throw;
            return new InboxAcceptance(winner, AlreadyReceived: true);
        }
    }

    /// Takes the oldest unprocessed event nobody holds, and holds it for the lease; null when there is none.
    /// Several processors (nodes) may call this at once: each event goes to one of them at a time.
    public async Task<InboxEvent?> ClaimNextAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        DateTimeOffset? until = now + lease;
        var candidates = await ClaimCandidates(now).ToListAsync(cancellationToken);
        foreach (var id in candidates)
        {
            var claimed = await Claimable(now).Where(e => e.Id == id).ExecuteUpdateAsync(
                set => set.SetProperty(e => e.LockedUntil, until).SetProperty(e => e.Attempts, e => e.Attempts + 1),
                cancellationToken);
            if (claimed == 1) return await db.InboxEvents.AsNoTracking().SingleAsync(e => e.Id == id, cancellationToken);
        }
        return null;
    }

    /// Lets go of the lease on an unprocessed event, so that the next pump pass (of any node) takes it.
    public async Task ReleaseAsync(long eventId, CancellationToken cancellationToken) =>
        await db.InboxEvents.Where(e => e.Id == eventId && e.ProcessedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.LockedUntil, (DateTimeOffset?)null), cancellationToken);

    /// Records how processing ended; an event already marked processed keeps its first outcome (returns false).
    public async Task<bool> MarkProcessedAsync(long eventId, string outcome, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = clock.GetUtcNow();
        var marked = await db.InboxEvents.Where(e => e.Id == eventId && e.ProcessedAt == null).ExecuteUpdateAsync(
            set => set.SetProperty(e => e.ProcessedAt, now).SetProperty(e => e.Outcome, outcome).SetProperty(e => e.LockedUntil, (DateTimeOffset?)null),
            cancellationToken);
        if (marked == 0 && !await db.InboxEvents.AnyAsync(e => e.Id == eventId, cancellationToken))
        {
            throw new DomainException("event_not_found", $"Event {eventId} does not exist.");
        }
        return marked == 1;
    }

    /// Oldest first, claimed or not.
    public async Task<IReadOnlyList<InboxEvent>> ListUnprocessedAsync(int limit, CancellationToken cancellationToken) =>
        await Unprocessed(limit).ToListAsync(cancellationToken);

    // The two queries by the index of unprocessed events (StoreModel.UnprocessedInboxIndex); tests read their plans.
    internal IQueryable<InboxEvent> Unprocessed(int limit) =>
        db.InboxEvents.AsNoTracking().Where(e => e.ProcessedAt == null).OrderBy(e => e.Id).Take(limit);

    internal IQueryable<long> ClaimCandidates(DateTimeOffset now) =>
        Claimable(now).OrderBy(e => e.Id).Select(e => e.Id).Take(ClaimCandidateCount);

    /// Adds an event the store raises itself to the context, so it commits with the change it reports.
    internal InboxEvent Raise(string type, long orderId, object data)
    {
        var raised = new InboxEvent { Type = type, OrderId = orderId, Data = StoreJson.Write(data), ReceivedAt = clock.GetUtcNow() };
        db.InboxEvents.Add(raised);
        return raised;
    }

    private IQueryable<InboxEvent> Claimable(DateTimeOffset now) =>
        db.InboxEvents.Where(e => e.ProcessedAt == null && (e.LockedUntil == null || e.LockedUntil < now));

    private Task<InboxEvent?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        db.InboxEvents.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == key, cancellationToken);

    private static void Validate(InboxEvent incoming)
    {
        if (incoming.Id != 0) throw DomainException.Invalid("id", "is assigned by the inbox and must not be given");
        if (string.IsNullOrWhiteSpace(incoming.Type)) throw DomainException.Invalid("type", "must not be empty");
        if (incoming.IdempotencyKey is { Length: 0 }) throw DomainException.Invalid("idempotencyKey", "must not be empty when given");
        RequireJson("data", incoming.Data);
        if (incoming.ClientRef is not null) RequireJson("client", incoming.ClientRef);
    }

    private static void RequireJson(string field, string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw DomainException.Invalid(field, $"is not valid JSON ({error.Message})");
        }
    }

    private static bool IsUniqueViolation(DbUpdateException error) => error.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067, // SQLITE_CONSTRAINT_UNIQUE
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
