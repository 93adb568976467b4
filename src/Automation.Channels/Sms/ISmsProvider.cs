using Automation.Channels.Outbox;

namespace Automation.Channels.Sms;

/// Sends one SMS through a provider (Twilio, a generic HTTP/JSON gateway, or the log).
public interface ISmsProvider
{
    /// The idempotency key goes to the provider so it can drop a repeat sent after a crash.
    Task<DeliveryResult> SendAsync(SmsRequest sms, string idempotencyKey, CancellationToken cancellationToken);
}

/// An SMS as a provider sends it; From null = the provider's configured number.
public sealed record SmsRequest(string To, string? From, string Text);

/// What the outbox stores for an SMS (the recipient and sender are on the outbox row).
public sealed record SmsPayload(string Text);
