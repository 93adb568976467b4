using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Email viewed: fires when the client opens an email of the order (its open pixel is loaded).
[Activity("Automation", "EmailViewedTrigger", Category = "Triggers", DisplayName = "Email viewed", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client opens an email.")]
public sealed class EmailViewedTrigger : OrderTrigger
{
    public override string EventType => EventTypes.EmailViewed;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
