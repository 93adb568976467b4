namespace Automation.Orders.Notifications;

/// An in-app message to an employee, e.g. from the "Notification" or "Control" rules.
public sealed class Notification
{
    public long Id { get; set; }
    public long EmployeeId { get; set; }
    public long? OrderId { get; set; }
    public required string Text { get; set; }
    public long? SenderId { get; set; }
    public DateTimeOffset At { get; set; }
    public bool IsRead { get; set; }
}
