using Automation.Orders;
using Automation.Orders.Activities;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Activity: a to-do on the order for an employee (by default its responsible) with a deadline. With "auto-complete"
/// on, the to-do completes itself when the order leaves this status.
[Activity("Automation", "CreateActivity", Category = "Employees", DisplayName = "Activity", Description = "Creates a to-do on the order.")]
public sealed class CreateActivity : RuleActivity
{
    [Input(Description = "What has to be done.", Required = true)]
    public Input<string> Subject { get; init; } = new("");

    [Input(Description = "Details.", UIHint = UIHints.MultiLine)]
    public Input<string> Description { get; init; } = new("");

    [Input(Description = "The deadline.", UIHint = UIHints.DateTimePicker)]
    public Input<DateTimeOffset?> Deadline { get; init; } = new(null);

    [Input(Description = "Or: the deadline this many hours after the rule runs.")]
    public Input<int?> DueInHours { get; init; } = new(null);

    [Input(Description = "Who does it (default: the order's responsible).", OptionsProvider = "Employees")]
    public Input<long?> Responsible { get; init; } = new(null);

    [Input(Description = "Complete the to-do when the order leaves this status.")]
    public Input<bool> AutoComplete { get; init; } = new(true);

    [Input(Description = "Mark it important.")]
    public Input<bool> Important { get; init; } = new(false);

    [Output(Description = "The to-do's id.")] public Output<long> ActivityId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var deadline = rule.Get(Deadline);
        if (rule.Get(DueInHours) is { } hours)
        {
            if (deadline is not null) throw DomainException.Invalid("deadline", "and 'dueInHours' are both set; choose one");
            deadline = rule.Clock.GetUtcNow().AddHours(hours);
        }
        var todo = await rule.CrmActivities.CreateAsync(rule.Order.Id, new NewCrmActivity(CrmActivityKind.ToDo, rule.Get(Subject))
        {
            Description = rule.Get(Description) is { Length: > 0 } text ? text : null,
            EndAt = deadline,
            ResponsibleId = rule.Get(Responsible) ?? rule.Order.ResponsibleId,
            IsImportant = rule.Get(Important),
            AutoCompleteStatus = rule.Get(AutoComplete) ? rule.Order.Status : null,
        }, rule.CancellationToken);
        rule.Set(ActivityId, todo.Id);
    }
}
