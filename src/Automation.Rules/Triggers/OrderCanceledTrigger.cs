using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Order canceled: fires when the order is canceled.
[Activity("Automation", "OrderCanceledTrigger", Category = "Triggers", DisplayName = "Order canceled", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when it is canceled.")]
public sealed class OrderCanceledTrigger : OrderTrigger
{
    public override string EventType => EventTypes.OrderCanceled;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
