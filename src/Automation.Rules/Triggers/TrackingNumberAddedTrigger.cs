using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Tracking number added: fires when a shipment of the order (of the configured delivery service; empty = any) gets its first tracking number.
[Activity("Automation", "TrackingNumberAddedTrigger", Category = "Triggers", DisplayName = "Tracking number added", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a shipment gets its tracking number.")]
public sealed class TrackingNumberAddedTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Delivery service", Description = "Only shipments of this delivery service; empty = any.")]
    public Input<string> DeliveryService { get; init; } = new("");

    public override string EventType => EventTypes.ShipmentTrackingNumberAdded;

    public override bool Matches(OrderEvent e, TriggerSettings settings) =>
        TriggerMatch.EmptyOrEqual(settings.Get(DeliveryService), e.Text("deliveryService"));
}
