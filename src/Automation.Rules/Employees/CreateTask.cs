using Automation.Orders;
using Automation.Orders.Tasks;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Task: a task for an employee (by default the order's responsible), linked to the order. With "wait for completion"
/// the rules after it wait until the task is completed (POST /api/tasks/{id}/complete).
[Activity("Automation", "CreateTask", Category = "Employees", DisplayName = "Task", Description = "Creates a task.")]
public sealed class CreateTask : RuleActivity
{
    [Input(Description = "What has to be done.", Required = true)]
    public Input<string> TaskTitle { get; init; } = new("");

    [Input(Description = "Details.", UIHint = UIHints.MultiLine)]
    public Input<string> Description { get; init; } = new("");

    [Input(Description = "Who does it (default: the order's responsible).", OptionsProvider = "Employees")]
    public Input<long?> Responsible { get; init; } = new(null);

    [Input(Description = "Who watches it.", UIHint = UIHints.CheckList, OptionsProvider = "Employees")]
    public Input<long[]> Auditors { get; init; } = new([]);

    [Input(Description = "Who set it (default: nobody, the rule).", OptionsProvider = "Employees")]
    public Input<long?> CreatedBy { get; init; } = new(null);

    [Input(Description = "The deadline.", UIHint = UIHints.DateTimePicker)]
    public Input<DateTimeOffset?> Deadline { get; init; } = new(null);

    [Input(Description = "Or: the deadline this many days after the rule runs.")]
    public Input<int?> DeadlineInDays { get; init; } = new(null);

    [Input(Description = "Priority.")]
    public Input<TaskPriority> Priority { get; init; } = new(TaskPriority.Normal);

    [Input(Description = "Checklist items, one per line.", UIHint = UIHints.MultiText)]
    public Input<string[]> Checklist { get; init; } = new([]);

    [Input(Description = "The rules after this one wait until the task is completed.")]
    public Input<bool> WaitForCompletion { get; init; } = new(false);

    [Output(Description = "The task's id.")] public Output<long> TaskId { get; init; } = new();
    [Output(Description = "When it was completed (after waiting for completion).")] public Output<DateTimeOffset?> ClosedDate { get; init; } = new();
    [Output(Description = "Who completed it (after waiting for completion).")] public Output<long?> ClosedBy { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var deadline = rule.Get(Deadline);
        if (rule.Get(DeadlineInDays) is { } days)
        {
            if (deadline is not null) throw DomainException.Invalid("deadline", "and 'deadlineInDays' are both set; choose one");
            deadline = rule.Clock.GetUtcNow().AddDays(days);
        }
        var task = await rule.Tasks.CreateAsync(new NewTask(rule.Get(TaskTitle), rule.Get(Responsible) ?? rule.People.Responsible(rule.Order))
        {
            OrderId = rule.Order.Id,
            Description = rule.Get(Description) is { Length: > 0 } text ? text : null,
            CreatedById = rule.Get(CreatedBy),
            Auditors = rule.Get(Auditors) ?? [],
            Deadline = deadline,
            Priority = rule.Get(Priority),
            Checklist = rule.Get(Checklist) ?? [],
        }, rule.CancellationToken);
        rule.Set(TaskId, task.Id);
        if (!rule.Get(WaitForCompletion)) return;
        rule.Activity.State["taskId"] = task.Id;
        rule.WaitFor(OrderTask.WaitKey(task.Id));
    }

    protected override async ValueTask ResumedAsync(RuleContext rule)
    {
        var task = await rule.Tasks.GetAsync((long)rule.Activity.State["taskId"]!, rule.CancellationToken);
        rule.Set(ClosedDate, task.ClosedAt);
        rule.Set(ClosedBy, task.ClosedById);
    }
}
