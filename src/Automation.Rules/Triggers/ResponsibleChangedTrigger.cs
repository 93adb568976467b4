using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Responsible person change: fires when another employee becomes responsible for the order.
[Activity("Automation", "ResponsibleChangedTrigger", Category = "Triggers", DisplayName = "Responsible person change", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when its responsible person changes.")]
public sealed class ResponsibleChangedTrigger : OrderTrigger
{
    public override string EventType => EventTypes.ResponsibleChanged;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => true;
}
