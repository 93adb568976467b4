using System.Text.Json.Serialization;

namespace Automation.Orders.Tasks;

/// A task for an employee, usually linked to an order: what to do, by when, who watches, and its checklist.
public sealed class OrderTask
{
    public long Id { get; set; }
    public long? OrderId { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public long ResponsibleId { get; set; }
    public long? CreatedById { get; set; }
    public List<long> Auditors { get; set; } = [];
    public DateTimeOffset? Deadline { get; set; }
    public TaskPriority Priority { get; set; }
    public List<ChecklistItem> Checklist { get; set; } = [];
    public bool IsCompleted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public long? ClosedById { get; set; }

    /// What a rule waiting for this task's completion waits on (the `waitKey` of "task.completed").
    public static string WaitKey(long taskId) => $"task:{taskId}";
}

/// One auditor of a task, one row each so that "tasks this employee audits" is an indexed query. Written with the task
/// (whose Auditors list is what the task shows); a task's auditors do not change after it is created.
public sealed class TaskAuditor
{
    public long TaskId { get; set; }
    public long EmployeeId { get; set; }
}

public sealed record ChecklistItem(string Text, bool Done = false);

[JsonConverter(typeof(JsonStringEnumConverter<TaskPriority>))]
public enum TaskPriority { Low, Normal, High }

public sealed record NewTask(string Title, long ResponsibleId)
{
    public long? OrderId { get; init; }
    public string? Description { get; init; }
    public long? CreatedById { get; init; }
    public IReadOnlyList<long> Auditors { get; init; } = [];
    public DateTimeOffset? Deadline { get; init; }
    public TaskPriority Priority { get; init; } = TaskPriority.Normal;
    public IReadOnlyList<string> Checklist { get; init; } = [];
}
