using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Webhook: fires when the Bitrix24-compatible hook is called with this trigger's code. A call without a code, or a
/// trigger without one, matches any webhook call (the earliest status wins, as in Bitrix24).
[Activity("Automation", "WebhookTrigger", Category = "Triggers", DisplayName = "Webhook", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the webhook is called with this code.")]
public sealed class WebhookTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, Description = "The code the webhook call carries (`code=`).", IsMatchKey = true)]
    public Input<string> Code { get; init; } = new("");

    public override string EventType => EventTypes.Webhook;

    public override bool Matches(OrderEvent e, TriggerSettings settings)
    {
        var expected = settings.Get(Code).Trim();
        var called = e.Text("code")?.Trim();
        return expected.Length == 0 || string.IsNullOrEmpty(called) || string.Equals(expected, called, StringComparison.Ordinal);
    }
}
