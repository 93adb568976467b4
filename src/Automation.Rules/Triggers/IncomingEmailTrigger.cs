using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Incoming e-mail: fires when the order's client writes an email (a reply to one of the order's emails, or a mail
/// from the client's address) that reaches the mail listener or the inbound-email endpoint.
[Activity("Automation", "IncomingEmailTrigger", Category = "Triggers", DisplayName = "Incoming e-mail", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client sends an email.")]
public sealed class IncomingEmailTrigger : OrderTrigger
{
    public override string EventType => EventTypes.EmailReceived;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
