using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Shipment (shipped): fires when one of the order's shipments is marked shipped.
[Activity("Automation", "ShipmentShippedTrigger", Category = "Triggers", DisplayName = "Shipment", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a shipment is marked shipped.")]
public sealed class ShipmentShippedTrigger : OrderTrigger
{
    public override string EventType => EventTypes.ShipmentShipped;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
