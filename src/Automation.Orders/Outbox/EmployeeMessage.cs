using System.Text.Json.Serialization;

namespace Automation.Orders.Outbox;

/// An email or SMS to an employee waiting in the store's outbox until a channel sender delivers it (DESIGN.md §4:
/// written in the rule's transaction, sent once with its idempotency key, the result recorded).
public sealed class EmployeeMessage
{
    public long Id { get; set; }
    public MessageChannel Channel { get; set; }
    public long EmployeeId { get; set; }
    /// The email address or phone number the message goes to, as it was when the message was queued.
    public required string Address { get; set; }
    public string? Subject { get; set; }
    public required string Text { get; set; }
    public long? OrderId { get; set; }
    public required string IdempotencyKey { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<MessageChannel>))]
public enum MessageChannel { Email, Sms }

[JsonConverter(typeof(JsonStringEnumConverter<OutboxStatus>))]
public enum OutboxStatus { Pending, Sent, Failed }
