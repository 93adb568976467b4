namespace Automation.Channels.Outbox;

/// A message to a client (email, SMS or automated call) written in the caller's transaction and delivered later by
/// the <see cref="OutboxSender"/>. The row is also the record of how delivery went.
public sealed class OutboxMessage
{
    public long Id { get; set; }
    /// One of <see cref="OutboxChannels"/>.
    public required string Channel { get; set; }
    /// The email address or phone number the message goes to.
    public required string Recipient { get; set; }
    /// The mailbox name (email) or originating number (SMS, call); null = the channel's default; "auto" on enqueue =
    /// the sender the channel used last.
    public string? Sender { get; set; }
    /// The channel's payload as JSON (see EmailPayload, SmsPayload, CallPayload).
    public string Payload { get; set; } = "{}";
    public long? OrderId { get; set; }
    /// The caller's key: the same key is the same message; it is also passed to the provider so it can drop a repeat.
    public required string IdempotencyKey { get; set; }
    public string Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// Not to be attempted before this moment (back-off after a failed attempt).
    public DateTimeOffset NextAttemptAt { get; set; }
    /// A sender's claim on the message lasts until then; another sender may take it afterwards.
    public DateTimeOffset? LockedUntil { get; set; }
    /// Which sender holds the claim (a fresh token per claim), so a sender whose lease ran out cannot record over another.
    public string? LockedBy { get; set; }
    public string? LastError { get; set; }
    public string? ProviderMessageId { get; set; }
    /// The provider's latest delivery status (e.g. Twilio's "delivered"), when it reports one.
    public string? ProviderStatus { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    /// When the observer was told about the final outcome; null while that is still owed.
    public DateTimeOffset? NotifiedAt { get; set; }
}

/// The channels a message can go out on.
public static class OutboxChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Call = "call";

    public static bool IsKnown(string channel) => channel is Email or Sms or Call;
}

/// Where a message is in its life: pending (waiting or between attempts), then sent or failed for good.
public static class OutboxStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}
