using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Payment: fires when a payment for the order is received (add a condition `isPaid = Y` to wait for full payment).
[Activity("Automation", "PaymentTrigger", Category = "Triggers", DisplayName = "Payment", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a payment is received.")]
public sealed class PaymentTrigger : OrderTrigger
{
    public override string EventType => EventTypes.PaymentReceived;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
