using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Each chat message: fires on every live chat message of the order's client in the configured channel (empty = any) whose text contains the configured text (case-insensitive; empty = any).
[Activity("Automation", "ChatMessageTrigger", Category = "Triggers", DisplayName = "Each message posted by client to live chat", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client posts a live chat message.")]
public sealed class ChatMessageTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Open channel", Description = "The live chat channel; empty = any channel.")]
    public Input<string> Channel { get; init; } = new("");

    [Input(Category = TriggerCategory, DisplayName = "Message text contains", Description = "Case-insensitive; empty = any message.")]
    public Input<string> TextContains { get; init; } = new("");

    public override string EventType => EventTypes.ChatMessage;

    public override bool Matches(OrderEvent e, TriggerSettings settings)
    {
        var wanted = settings.Get(TextContains).Trim();
        return TriggerMatch.EmptyOrEqual(settings.Get(Channel), e.Text("channel"))
            && (wanted.Length == 0 || (e.Text("text") ?? "").Contains(wanted, StringComparison.OrdinalIgnoreCase));
    }
}
