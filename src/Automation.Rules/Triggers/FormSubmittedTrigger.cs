using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// CRM form submission: fires when the order's client submits the configured CRM form (empty = any form).
[Activity("Automation", "FormSubmittedTrigger", Category = "Triggers", DisplayName = "CRM form submission", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client submits a CRM form.")]
public sealed class FormSubmittedTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Form", OptionsProvider = "Forms", Description = "The id of the CRM form; empty = any form.")]
    public Input<string> FormId { get; init; } = new("");

    public override string EventType => EventTypes.FormSubmitted;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(FormId), e.Text("formId"));
}
