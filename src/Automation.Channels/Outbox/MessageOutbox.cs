using System.Text.Json;
using Automation.Channels.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Outbox;

/// The outcome of handing a message to the outbox: the stored message, and whether its key had been seen before.
public sealed record OutboxAcceptance(OutboxMessage Message, bool AlreadyEnqueued);

/// The outbox (DESIGN.md §4; named MessageOutbox so it does not clash with its namespace): a message to a client is written in the caller's transaction, so it goes out if and
/// only if the step that wanted it commits; the <see cref="OutboxSender"/> delivers it afterwards.
public sealed class MessageOutbox(TimeProvider clock)
{
    public const string AutoSender = "auto";
    public const int MaxKeyLength = 200;

    /// Stores the message in the context's current transaction (if any), unless a message with the same idempotency
    /// key exists: then that one is returned. Safe under concurrent duplicates: the unique index decides.
    public async Task<OutboxAcceptance> EnqueueAsync(ChannelsDb db, OutboxMessage message, CancellationToken cancellationToken = default)
    {
        Validate(message);
        if (await FindByKeyAsync(db, message.IdempotencyKey, cancellationToken) is { } known) return new(known, AlreadyEnqueued: true);
        if (string.Equals(message.Sender, AutoSender, StringComparison.OrdinalIgnoreCase))
            message.Sender = await LastSenderAsync(db, message.Channel, cancellationToken);
        var now = clock.GetUtcNow();
        message.Status = OutboxStatus.Pending;
        message.CreatedAt = now;
        message.NextAttemptAt = now;
        db.OutboxMessages.Add(message);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new(message, AlreadyEnqueued: false);
        }
        catch (DbUpdateException error) when (UniqueViolation.Is(error))
        {
            // EF Core rolled back to its savepoint, so the caller's transaction lives on.
            db.Entry(message).State = EntityState.Detached;
            var winner = await FindByKeyAsync(db, message.IdempotencyKey, cancellationToken);
            if (winner is null) throw;
            return new(winner, AlreadyEnqueued: true);
        }
    }

    public static Task<OutboxMessage?> FindByKeyAsync(ChannelsDb db, string idempotencyKey, CancellationToken cancellationToken = default) =>
        db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.IdempotencyKey == idempotencyKey, cancellationToken);

    public static Task<OutboxMessage?> FindAsync(ChannelsDb db, long id, CancellationToken cancellationToken = default) =>
        db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);

    /// An order's messages, oldest first, with how each went.
    public static async Task<IReadOnlyList<OutboxMessage>> ListForOrderAsync(ChannelsDb db, long orderId, CancellationToken cancellationToken = default) =>
        await db.OutboxMessages.AsNoTracking().Where(m => m.OrderId == orderId).OrderBy(m => m.Id).ToListAsync(cancellationToken);

    /// Records a status the provider reported later (a Twilio status callback: "delivered", "busy", "no-answer"...)
    /// on the message it sent under that id; returns the message, or null when no message has that provider id.
    public static async Task<OutboxMessage?> RecordProviderStatusAsync(ChannelsDb db, string providerMessageId, string status,
        string? error, CancellationToken cancellationToken = default)
    {
        var updated = await db.OutboxMessages.Where(m => m.ProviderMessageId == providerMessageId).ExecuteUpdateAsync(
            set => set.SetProperty(m => m.ProviderStatus, status).SetProperty(m => m.LastError, m => error ?? m.LastError), cancellationToken);
        return updated == 0 ? null : await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.ProviderMessageId == providerMessageId, cancellationToken);
    }

    /// Like RecordProviderStatusAsync, for a provider that names the message by the idempotency key it was given.
    public static async Task<OutboxMessage?> RecordProviderStatusByKeyAsync(ChannelsDb db, string idempotencyKey, string status,
        string? error, CancellationToken cancellationToken = default)
    {
        var updated = await db.OutboxMessages.Where(m => m.IdempotencyKey == idempotencyKey).ExecuteUpdateAsync(
            set => set.SetProperty(m => m.ProviderStatus, status).SetProperty(m => m.LastError, m => error ?? m.LastError), cancellationToken);
        return updated == 0 ? null : await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.IdempotencyKey == idempotencyKey, cancellationToken);
    }

    /// The sender the channel's newest message names: what "auto" means ("the mailbox used last").
    private static Task<string?> LastSenderAsync(ChannelsDb db, string channel, CancellationToken cancellationToken) =>
        db.OutboxMessages.AsNoTracking().Where(m => m.Channel == channel && m.Sender != null)
            .OrderByDescending(m => m.Id).Select(m => m.Sender).FirstOrDefaultAsync(cancellationToken);

    private static void Validate(OutboxMessage message)
    {
        if (message.Id != 0) throw new ChannelValidationException("id", "is assigned by the outbox and must not be given");
        if (!OutboxChannels.IsKnown(message.Channel))
            throw new ChannelValidationException("channel", $"must be email, sms or call, not '{message.Channel}'");
        if (string.IsNullOrWhiteSpace(message.Recipient)) throw new ChannelValidationException("recipient", "must not be empty");
        if (string.IsNullOrWhiteSpace(message.IdempotencyKey)) throw new ChannelValidationException("idempotencyKey", "must not be empty");
        if (message.IdempotencyKey.Length > MaxKeyLength)
            throw new ChannelValidationException("idempotencyKey", $"must be at most {MaxKeyLength} characters");
        try
        {
            using var _ = JsonDocument.Parse(message.Payload);
        }
        catch (JsonException error)
        {
            throw new ChannelValidationException("payload", $"is not valid JSON ({error.Message})");
        }
    }
}
