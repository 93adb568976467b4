using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Pay order: marks every payment of the order paid.
[Activity("Automation", "PayOrder", Category = "Order", DisplayName = "Pay order", Description = "Marks the order paid.")]
public sealed class PayOrder : RuleActivity
{
    protected override async ValueTask RunAsync(RuleContext rule) => await rule.Orders.MarkPaidAsync(rule.Order.Id, rule.CancellationToken);
}
