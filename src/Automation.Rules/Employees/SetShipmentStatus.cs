using Automation.Orders.Shipments;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Set shipment status: gives every shipment of the order a delivery status.
[Activity("Automation", "SetShipmentStatus", Category = "Order", DisplayName = "Set shipment status", Description = "Sets the delivery status of the order's shipments.")]
public sealed class SetShipmentStatus : RuleActivity
{
    [Input(Description = "The delivery status, e.g. packed, in-transit, delivered.", Required = true)]
    public Input<string> Status { get; init; } = new("");

    protected override async ValueTask RunAsync(RuleContext rule) =>
        await rule.Orders.UpdateShipmentsAsync(rule.Order.Id, new ShipmentPatch(Status: rule.Get(Status)), null, rule.CancellationToken);
}
