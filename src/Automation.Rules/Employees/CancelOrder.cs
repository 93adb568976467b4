using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Cancel order: cancels the order with a reason; the rest of this status's rules stop, as in Bitrix24.
[Activity("Automation", "CancelOrder", Category = "Order", DisplayName = "Cancel order", Description = "Cancels the order and stops this status's other rules.")]
public sealed class CancelOrder : RuleActivity
{
    [Input(Description = "Why the order is canceled.", UIHint = UIHints.MultiLine)]
    public Input<string> Reason { get; init; } = new("");

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        await rule.Orders.CancelAsync(rule.Order.Id, rule.Get(Reason), rule.Title, rule.CancellationToken);
        rule.Activity.CancelInstance($"order canceled by rule '{rule.Title}'");
    }
}
