using Automation.Orders;
using Automation.Orders.Activities;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// What "Schedule a call" and "Schedule a meeting" share: a subject, a start and an end, a reminder, a responsible, and
/// completing it when the order leaves this status.
public abstract class ScheduledActivity : RuleActivity
{
    [Input(Description = "What it is about.", Required = true)]
    public Input<string> Subject { get; init; } = new("");

    [Input(Description = "Details.", UIHint = UIHints.MultiLine)]
    public Input<string> Description { get; init; } = new("");

    [Input(Description = "When it starts.", UIHint = UIHints.DateTimePicker)]
    public Input<DateTimeOffset?> Start { get; init; } = new(null);

    [Input(Description = "Or: it starts this many hours after the rule runs.")]
    public Input<int?> StartInHours { get; init; } = new(null);

    [Input(Description = "How long it takes, in minutes.")]
    public Input<int> DurationMinutes { get; init; } = new(30);

    [Input(Description = "Remind the responsible this many minutes before (empty: no reminder).")]
    public Input<int?> ReminderMinutes { get; init; } = new(15);

    [Input(Description = "Who takes it (default: the order's responsible).", OptionsProvider = "Employees")]
    public Input<long?> Responsible { get; init; } = new(null);

    [Input(Description = "Mark it important.")]
    public Input<bool> Important { get; init; } = new(false);

    [Input(Description = "Complete it when the order leaves this status.")]
    public Input<bool> AutoComplete { get; init; } = new(false);

    [Output(Description = "The activity's id.")] public Output<long> ActivityId { get; init; } = new();

    protected abstract CrmActivityKind Kind { get; }

    protected sealed override async ValueTask RunAsync(RuleContext rule)
    {
        var start = rule.Get(Start);
        if (rule.Get(StartInHours) is { } hours)
        {
            if (start is not null) throw DomainException.Invalid("start", "and 'startInHours' are both set; choose one");
            start = rule.Clock.GetUtcNow().AddHours(hours);
        }
        if (start is null) throw DomainException.Invalid("start", "is missing; set 'start' or 'startInHours'");
        var minutes = rule.Get(DurationMinutes);
        if (minutes is < 1 or > 24 * 60) throw DomainException.Invalid("durationMinutes", $"is {minutes}; it must be between 1 and 1440");
        var scheduled = await rule.CrmActivities.CreateAsync(rule.Order.Id, new NewCrmActivity(Kind, rule.Get(Subject))
        {
            Description = rule.Get(Description) is { Length: > 0 } text ? text : null,
            StartAt = start,
            EndAt = start.Value.AddMinutes(minutes),
            ReminderMinutes = rule.Get(ReminderMinutes),
            ResponsibleId = rule.Get(Responsible) ?? rule.Order.ResponsibleId,
            IsImportant = rule.Get(Important),
            AutoCompleteStatus = rule.Get(AutoComplete) ? rule.Order.Status : null,
        }, rule.CancellationToken);
        rule.Set(ActivityId, scheduled.Id);
    }
}
