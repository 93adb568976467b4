using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Message has been sent: fires when an email, SMS or automated call to the order's client has been handed to its
/// provider (not when it is merely queued).
[Activity("Automation", "MessageSentTrigger", Category = "Triggers", DisplayName = "Message has been sent", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a message to the client has been sent.")]
public sealed class MessageSentTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, Description = "Only messages of this channel: email, sms or call; empty = any.",
        Options = ["", "email", "sms", "call"])]
    public Input<string> Channel { get; init; } = new("");

    public override string EventType => EventTypes.MessageSent;

    public override bool Matches(OrderEvent e, TriggerSettings settings)
    {
        var wanted = settings.Get(Channel).Trim();
        return wanted.Length == 0 || string.Equals(wanted, e.Text("channel"), StringComparison.OrdinalIgnoreCase);
    }
}
