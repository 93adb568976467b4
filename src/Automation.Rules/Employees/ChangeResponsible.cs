using Automation.Orders.Employees;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Change responsible person: hands the order to one of the given employees, skipping those who are absent: at
/// random (not the current one), the first available, or in turn (round-robin, remembered per rule).
[Activity("Automation", "ChangeResponsible", Category = "Employees", DisplayName = "Change responsible person", Description = "Hands the order to another employee.")]
public sealed class ChangeResponsible : RuleActivity
{
    [Input(Description = "The employees to choose from, in order.", UIHint = UIHints.CheckList, OptionsProvider = "Employees", Required = true)]
    public Input<long[]> Candidates { get; init; } = new([]);

    [Input(Description = "How to choose: at random, the first available, or in turn.")]
    public Input<SelectionMode> Mode { get; init; } = new(SelectionMode.RoundRobin);

    [Output(Description = "The new responsible's id.")] public Output<long> NewResponsibleId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var selection = new ResponsibleSelection(rule.Db);
        var (chosen, reason) = await selection.PickAsync(rule.Get(Candidates) ?? [], rule.Get(Mode), rule.Order.ResponsibleId, rule.RuleKey, rule.CancellationToken);
        if (chosen is null)
        {
            rule.NothingToDo(reason!);
            return;
        }
        await rule.Orders.ChangeResponsibleAsync(rule.Order.Id, chosen.Id, rule.Title, rule.CancellationToken);
        rule.Set(NewResponsibleId, chosen.Id);
    }
}
