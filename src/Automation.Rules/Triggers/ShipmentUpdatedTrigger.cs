using System.Text.Json.Nodes;
using Automation.Orders.Events;
using Automation.Rules.Conditions;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Shipment updated: fires when a shipment of the order changes and, after the change, its fields (deliveryService,
/// status, trackingNumber, approved, shipped) meet the shipment condition (none = any change).
[Activity("Automation", "ShipmentUpdatedTrigger", Category = "Triggers", DisplayName = "Shipment updated", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a shipment changes and meets the shipment condition.")]
public sealed class ShipmentUpdatedTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, UIHint = UIHints.JsonEditor, DisplayName = "Shipment condition",
        Description = "Conditions on the changed shipment: {items: [{field, operator, value, joiner: AND|OR}]}; fields deliveryService, status, trackingNumber, approved, shipped.")]
    public Input<ConditionGroup?> ShipmentCondition { get; init; } = new(null);

    public override string EventType => EventTypes.ShipmentUpdated;

    public override bool Matches(OrderEvent e, TriggerSettings settings) =>
        ConditionEvaluator.Evaluate(settings.Get(ShipmentCondition), field => TriggerMatch.Field(e.Data["shipment"] as JsonObject, field)).Passed;
}
