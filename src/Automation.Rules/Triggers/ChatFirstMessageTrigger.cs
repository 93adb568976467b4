using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Initial chat message: fires on the first message the order's client posts in a live chat of the configured channel (empty = any).
[Activity("Automation", "ChatFirstMessageTrigger", Category = "Triggers", DisplayName = "Initial message posted by client to live chat", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client starts a live chat.")]
public sealed class ChatFirstMessageTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Open channel", Description = "The live chat channel; empty = any channel.")]
    public Input<string> Channel { get; init; } = new("");

    public override string EventType => EventTypes.ChatFirstMessage;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(Channel), e.Text("channel"));
}
