namespace Automation.Orders.Events;

/// Something that happened to an order (or to a client), stored before it is processed so a crash loses nothing.
public sealed class InboxEvent
{
    public long Id { get; set; }
    /// The event type, e.g. "payment.received" (see EventTypes).
    public required string Type { get; set; }
    public long? OrderId { get; set; }
    /// JSON {email, phone, visitorId} identifying the client when the order is not known.
    public string? ClientRef { get; set; }
    public string Data { get; set; } = "{}";
    /// The caller's key; a second event with the same key is the same event.
    public string? IdempotencyKey { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? Outcome { get; set; }
    /// A processor's claim on the event lasts until then; another processor may take it afterwards.
    public DateTimeOffset? LockedUntil { get; set; }
    public int Attempts { get; set; }

    /// The event as it arrived, before the inbox stored it: what a receiver hands the inbox again after a rolled-back attempt.
    public InboxEvent Copy() => new()
    {
        Type = Type,
        OrderId = OrderId,
        ClientRef = ClientRef,
        Data = Data,
        IdempotencyKey = IdempotencyKey,
        LockedUntil = LockedUntil,
    };
}
