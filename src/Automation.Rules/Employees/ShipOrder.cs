using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Ship order: marks every shipment of the order shipped.
[Activity("Automation", "ShipOrder", Category = "Order", DisplayName = "Ship order", Description = "Marks the order shipped.")]
public sealed class ShipOrder : RuleActivity
{
    protected override async ValueTask RunAsync(RuleContext rule) => await rule.Orders.MarkShippedAsync(rule.Order.Id, rule.CancellationToken);
}
