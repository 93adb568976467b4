using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tasks;

/// Employees' tasks (/api/tasks): created by people or by the "Task" rule, completed through the API, which raises
/// "task.completed" so that a rule waiting for the task goes on.
public sealed class TaskBoard(StoreDb db, TimeProvider clock)
{
    private readonly OrderTimeline timeline = new(db, clock);
    private readonly EventInbox inbox = new(db, clock);

    public async Task<OrderTask> CreateAsync(NewTask request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Title)) throw DomainException.Invalid("title", "must not be empty");
        if (!Enum.IsDefined(request.Priority)) throw DomainException.Invalid("priority", "must be Low, Normal or High");
        long[] people = [request.ResponsibleId, .. request.Auditors, .. request.CreatedById is { } by ? [by] : Array.Empty<long>()];
        var known = await db.Employees.Where(e => people.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken);
        if (people.FirstOrDefault(id => !known.Contains(id)) is var missing and not 0) throw DomainException.EmployeeNotFound(missing);
        if (request.OrderId is { } orderId && !await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
        var task = new OrderTask
        {
            OrderId = request.OrderId,
            Title = request.Title.Trim(),
            Description = request.Description,
            ResponsibleId = request.ResponsibleId,
            CreatedById = request.CreatedById,
            Auditors = [.. request.Auditors.Distinct()],
            Deadline = request.Deadline,
            Priority = request.Priority,
            Checklist = [.. request.Checklist.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => new ChecklistItem(c.Trim()))],
            CreatedAt = clock.GetUtcNow(),
        };
        db.Tasks.Add(task);
        await db.SaveChangesAsync(cancellationToken);
        db.TaskAuditors.AddRange(task.Auditors.Select(auditor => new TaskAuditor { TaskId = task.Id, EmployeeId = auditor }));
        if (task.OrderId is { } linked)
            timeline.Add(TimelineKind.Activity, linked, $"Task '{task.Title}' for employee {task.ResponsibleId}", null,
                new { taskId = task.Id, task.ResponsibleId, task.Deadline, priority = task.Priority.ToString() });
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }

    public async Task<OrderTask> GetAsync(long taskId, CancellationToken cancellationToken) =>
        await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken)
        ?? throw new DomainException("task_not_found", $"Task {taskId} does not exist.");

    /// Completes the task and raises "task.completed" {taskId, closedById, closedAt, waitKey}, which resumes a rule
    /// waiting for it; completing it again changes nothing.
    public async Task<OrderTask> CompleteAsync(long taskId, long? closedById, CancellationToken cancellationToken)
    {
        var task = await GetAsync(taskId, cancellationToken);
        if (task.IsCompleted) return task;
        if (closedById is { } by && !await db.Employees.AnyAsync(e => e.Id == by, cancellationToken)) throw DomainException.EmployeeNotFound(by);
        task.IsCompleted = true;
        task.ClosedAt = clock.GetUtcNow();
        task.ClosedById = closedById;
        if (task.OrderId is { } orderId)
        {
            timeline.Add(TimelineKind.Activity, orderId, $"Task '{task.Title}' completed", null, new { taskId, closedById });
            inbox.Raise(EventTypes.TaskCompleted, orderId, new { taskId, closedById, closedAt = task.ClosedAt, waitKey = OrderTask.WaitKey(taskId) });
        }
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }

    /// Newest first, filtered in the query: by order, by the employee responsible, by an auditor, by an employee who is
    /// either (their tasks), and open ones only.
    public async Task<Page<OrderTask>> ListAsync(TaskFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        page.Validate();
        var tasks = db.Tasks.AsNoTracking();
        if (filter.OrderId is { } orderId) tasks = tasks.Where(t => t.OrderId == orderId);
        if (filter.ResponsibleId is { } responsible) tasks = tasks.Where(t => t.ResponsibleId == responsible);
        if (filter.AuditorId is { } auditor) tasks = tasks.Where(t => db.TaskAuditors.Any(a => a.TaskId == t.Id && a.EmployeeId == auditor));
        if (filter.EmployeeId is { } employee)
            tasks = tasks.Where(t => t.ResponsibleId == employee || db.TaskAuditors.Any(a => a.TaskId == t.Id && a.EmployeeId == employee));
        if (filter.OpenOnly) tasks = tasks.Where(t => !t.IsCompleted);
        var total = await tasks.CountAsync(cancellationToken);
        return new Page<OrderTask>(await tasks.OrderByDescending(t => t.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken),
            page.Offset, page.Limit, total);
    }
}

/// Which tasks to list; every filter given must match.
public sealed record TaskFilter
{
    public long? OrderId { get; init; }
    /// Tasks this employee is responsible for or audits.
    public long? EmployeeId { get; init; }
    public long? ResponsibleId { get; init; }
    public long? AuditorId { get; init; }
    public bool OpenOnly { get; init; }
}
