using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Callback: fires when the order's client asks for a callback through a callback form (the configured one; empty = any).
[Activity("Automation", "CallbackTrigger", Category = "Triggers", DisplayName = "Callback", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client asks for a callback.")]
public sealed class CallbackTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Form", OptionsProvider = "CallbackForms", Description = "The id of the callback form; empty = any callback form.")]
    public Input<string> FormId { get; init; } = new("");

    public override string EventType => EventTypes.CallbackRequested;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(FormId), e.Text("formId"));
}
