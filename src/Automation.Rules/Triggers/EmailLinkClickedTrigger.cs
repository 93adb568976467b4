using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Email link clicked: fires when the client clicks a tracked link in an email of the order whose URL starts with the
/// configured one (empty = any link).
[Activity("Automation", "EmailLinkClickedTrigger", Category = "Triggers", DisplayName = "Email link clicked", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client clicks a link in an email.")]
public sealed class EmailLinkClickedTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, Description = "The clicked URL must start with this; empty = any link.")]
    public Input<string> Url { get; init; } = new("");

    public override string EventType => EventTypes.EmailLinkClicked;

    public override bool Matches(OrderEvent e, TriggerSettings settings)
    {
        var prefix = settings.Get(Url).Trim();
        return prefix.Length == 0 || (e.Text("url") ?? "").StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
    }
}
