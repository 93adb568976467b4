using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Allow delivery: approves every shipment of the order for delivery.
[Activity("Automation", "AllowDelivery", Category = "Order", DisplayName = "Allow delivery", Description = "Allows delivery of all the order's shipments.")]
public sealed class AllowDelivery : RuleActivity
{
    protected override async ValueTask RunAsync(RuleContext rule) => await rule.Orders.AllowDeliveryAsync(rule.Order.Id, rule.CancellationToken);
}
