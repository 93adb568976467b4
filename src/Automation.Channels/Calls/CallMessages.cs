using System.Text.Json;
using Automation.Channels.Outbox;
using Automation.Channels.Sms;

namespace Automation.Channels.Calls;

/// Builds the outbox message for an automated call, refusing scripts no provider could play.
public static class CallMessages
{
    public const int MaxTextLength = 4000;

    public static OutboxMessage Create(string idempotencyKey, string to, CallPayload script, long? orderId = null, string? from = null)
    {
        Validate(script);
        return new OutboxMessage
        {
            Channel = OutboxChannels.Call,
            Recipient = PhoneNumbers.Normalize(to, "to"),
            Sender = from,
            OrderId = orderId,
            IdempotencyKey = idempotencyKey,
            Payload = JsonSerializer.Serialize(script, PhoneNumbers.Json),
        };
    }

    public static void Validate(CallPayload script)
    {
        var hasText = !string.IsNullOrWhiteSpace(script.Text);
        var hasAudio = !string.IsNullOrWhiteSpace(script.AudioUrl);
        if (hasText == hasAudio) throw new ChannelValidationException("text", "or an audio URL must be given, not both and not neither");
        if (hasText && script.Text!.Length > MaxTextLength)
            throw new ChannelValidationException("text", $"is {script.Text.Length} characters long; a call may say at most {MaxTextLength}");
        if (hasAudio && (!Uri.TryCreate(script.AudioUrl, UriKind.Absolute, out var audio) || (audio.Scheme != Uri.UriSchemeHttp && audio.Scheme != Uri.UriSchemeHttps)))
            throw new ChannelValidationException("audioUrl", "must be a public http(s) URL");
        if (script.Speed is < 20 or > 200) throw new ChannelValidationException("speed", "must be between 20 and 200 percent");
        if (script.VolumeDb is < -6 or > 6) throw new ChannelValidationException("volume", "must be between -6 and +6 dB");
    }
}

/// The outcome of a call in the product's words, from the provider's final call status.
public static class CallResults
{
    public const string Answered = "answered";
    public const string Busy = "busy";
    public const string NoAnswer = "no answer";
    public const string Failed = "failed";

    /// Twilio's CallStatus (completed, busy, no-answer, failed, canceled); null while the call is still going.
    public static string? FromTwilioStatus(string status) => status.ToLowerInvariant() switch
    {
        "completed" => Answered,
        "busy" => Busy,
        "no-answer" => NoAnswer,
        "failed" or "canceled" => Failed,
        _ => null,
    };

    /// The generic HTTP voice service's final statuses (ours or Twilio's words); null for an unknown or interim one.
    public static string? FromHttpStatus(string status) => status.Trim().ToLowerInvariant() switch
    {
        "answered" or "completed" => Answered,
        "busy" => Busy,
        "no answer" or "no-answer" or "no_answer" => NoAnswer,
        "failed" or "canceled" or "cancelled" => Failed,
        _ => null,
    };

    /// Statuses a call passes through before it ends; reported, but nothing waits for them.
    public static bool IsInterim(string status) => status.Trim().ToLowerInvariant() is "queued" or "initiated" or "ringing" or "in-progress" or "in progress";
}
