using Automation.Channels.Outbox;

namespace Automation.Channels.Calls;

/// Places one automated call through a provider (Twilio Voice, a generic HTTP/JSON service, or the log).
public interface ICallProvider
{
    /// The idempotency key goes to the provider so it can drop a repeat placed after a crash.
    Task<DeliveryResult> CallAsync(CallRequest call, string idempotencyKey, CancellationToken cancellationToken);
}

/// A call as a provider places it; From null = the provider's configured number.
public sealed record CallRequest(string To, string? From, CallPayload Script);

/// What the call says: text spoken by text-to-speech, or an audio file played; stored as the outbox payload.
public sealed record CallPayload
{
    public string? Text { get; init; }
    /// A public .mp3 URL played instead of text.
    public string? AudioUrl { get; init; }
    /// e.g. "en-US", "de-DE".
    public string? Language { get; init; }
    /// The provider's voice name, e.g. "Polly.Joanna".
    public string? Voice { get; init; }
    /// Speaking rate in percent of normal (50 = half speed).
    public int Speed { get; init; } = 100;
    /// Loudness change in decibels, -6 to +6.
    public int VolumeDb { get; init; }
}
