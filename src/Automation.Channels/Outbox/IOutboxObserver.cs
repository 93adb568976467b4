namespace Automation.Channels.Outbox;

/// Told once a message has its final outcome; the host writes the order's timeline and raises "Message has been sent".
/// At least once: after a crash between the outcome and the notice the notice is repeated, so use
/// <see cref="OutboxOutcome.IdempotencyKey"/> (or the message id) as the key of whatever the observer records.
public interface IOutboxObserver
{
    Task DeliveredAsync(OutboxOutcome outcome, CancellationToken cancellationToken);

    Task FailedAsync(OutboxOutcome outcome, CancellationToken cancellationToken);
}

/// A message's final outcome as the observer sees it.
public sealed record OutboxOutcome(
    long MessageId,
    string Channel,
    long? OrderId,
    string Recipient,
    string IdempotencyKey,
    string Status,
    int Attempts,
    DateTimeOffset At,
    string? ProviderMessageId,
    string? Error)
{
    internal static OutboxOutcome Of(OutboxMessage m) => new(m.Id, m.Channel, m.OrderId, m.Recipient, m.IdempotencyKey, m.Status,
        m.Attempts, m.SentAt ?? m.FailedAt ?? m.CreatedAt, m.ProviderMessageId, m.LastError);
}

/// For hosts that do not care (and tests).
public sealed class NoOutboxObserver : IOutboxObserver
{
    public static NoOutboxObserver Instance { get; } = new();

    public Task DeliveredAsync(OutboxOutcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task FailedAsync(OutboxOutcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;
}
