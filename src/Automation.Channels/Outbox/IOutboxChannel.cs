namespace Automation.Channels.Outbox;

/// Delivers the outbox's messages of one channel (email, sms, call) through its provider.
public interface IOutboxChannel
{
    /// One of <see cref="OutboxChannels"/>.
    string Name { get; }

    /// Hands the message to the provider, passing <see cref="OutboxMessage.IdempotencyKey"/> on so that a repeat after a
    /// crash can be recognised. An exception counts as a failure worth retrying.
    Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

public enum DeliveryOutcome { Sent, Retry, Reject }

/// What the provider said: accepted (with its id for the message), a failure worth retrying (timeout, 5xx, 429),
/// or a rejection that retrying will not change (bad number, unknown mailbox, 4xx).
public sealed record DeliveryResult(DeliveryOutcome Outcome, string? ProviderMessageId = null, string? ProviderStatus = null, string? Error = null)
{
    public static DeliveryResult Sent(string? providerMessageId, string? providerStatus = null) => new(DeliveryOutcome.Sent, providerMessageId, providerStatus);
    public static DeliveryResult Retry(string error) => new(DeliveryOutcome.Retry, Error: error);
    public static DeliveryResult Reject(string error) => new(DeliveryOutcome.Reject, Error: error);
}
