using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Incoming call: fires when the order's client calls, on the configured telephony line (empty = any line).
[Activity("Automation", "IncomingCallTrigger", Category = "Triggers", DisplayName = "Incoming call", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client calls.")]
public sealed class IncomingCallTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Telephony line", Description = "The line the call comes in on; empty = any line.")]
    public Input<string> Line { get; init; } = new("");

    public override string EventType => EventTypes.CallIncoming;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(Line), e.Text("line"));
}
