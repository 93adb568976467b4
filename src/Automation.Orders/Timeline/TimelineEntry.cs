namespace Automation.Orders.Timeline;

/// One line of an order's history as a store manager sees it.
public sealed class TimelineEntry
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public TimelineKind Kind { get; set; }
    public required string Text { get; set; }
    public string? Author { get; set; }
    /// Structured details as JSON (e.g. the statuses of a status change).
    public string Data { get; set; } = "{}";
    public DateTimeOffset At { get; set; }
}

public enum TimelineKind { Comment, Log, StatusChange, Message, Activity, Error }
