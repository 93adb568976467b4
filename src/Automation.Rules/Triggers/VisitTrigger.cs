using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Visit: fires when visit tracking starts for the order's client (an event naming the client's visitor id).
[Activity("Automation", "VisitTrigger", Category = "Triggers", DisplayName = "Visit", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client starts a visit to the site.")]
public sealed class VisitTrigger : OrderTrigger
{
    public override string EventType => EventTypes.Visit;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
