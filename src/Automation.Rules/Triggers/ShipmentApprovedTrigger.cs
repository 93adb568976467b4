using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Shipment approved: fires when delivery of one of the order's shipments is allowed.
[Activity("Automation", "ShipmentApprovedTrigger", Category = "Triggers", DisplayName = "Shipment approved", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when delivery of a shipment is allowed.")]
public sealed class ShipmentApprovedTrigger : OrderTrigger
{
    public override string EventType => EventTypes.ShipmentApproved;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
