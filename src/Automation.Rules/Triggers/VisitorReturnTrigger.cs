using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Visitor return: fires when a visitor already known as the order's client comes back to the site.
[Activity("Automation", "VisitorReturnTrigger", Category = "Triggers", DisplayName = "Visitor return", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client comes back to the site.")]
public sealed class VisitorReturnTrigger : OrderTrigger
{
    public override string EventType => EventTypes.VisitReturn;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
