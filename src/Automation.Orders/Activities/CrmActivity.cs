namespace Automation.Orders.Activities;

/// A CRM activity on an order: a to-do, a call, a meeting or a waiting marker, with its responsible and its time.
public sealed class CrmActivity
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public CrmActivityKind Kind { get; set; }
    public required string Subject { get; set; }
    public string? Description { get; set; }
    public long? ResponsibleId { get; set; }
    public DateTimeOffset? StartAt { get; set; }
    /// The deadline of a to-do, the end of a call, meeting or wait.
    public DateTimeOffset? EndAt { get; set; }
    /// Minutes before the start (or the deadline) the responsible is reminded.
    public int? ReminderMinutes { get; set; }
    public bool IsImportant { get; set; }
    /// The order status whose leaving completes the activity ("auto-complete on status change"); null: never.
    public string? AutoCompleteStatus { get; set; }
    public bool IsCompleted { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? CompletedReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum CrmActivityKind { ToDo, Call, Meeting, Wait }

/// An activity to create on an order; EndAt is a to-do's deadline.
public sealed record NewCrmActivity(CrmActivityKind Kind, string Subject)
{
    public string? Description { get; init; }
    public long? ResponsibleId { get; init; }
    public DateTimeOffset? StartAt { get; init; }
    public DateTimeOffset? EndAt { get; init; }
    public int? ReminderMinutes { get; init; }
    public bool IsImportant { get; init; }
    public string? AutoCompleteStatus { get; init; }
}
