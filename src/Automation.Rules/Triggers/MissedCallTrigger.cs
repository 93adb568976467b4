using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Missed call: fires when nobody answered a call from the order's client, on the configured telephony line (empty = any line).
[Activity("Automation", "MissedCallTrigger", Category = "Triggers", DisplayName = "Missed call", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a call from the client is missed.")]
public sealed class MissedCallTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Telephony line", Description = "The line the call came in on; empty = any line.")]
    public Input<string> Line { get; init; } = new("");

    public override string EventType => EventTypes.CallMissed;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(Line), e.Text("line"));
}
