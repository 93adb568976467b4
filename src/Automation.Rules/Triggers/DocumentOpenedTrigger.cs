using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Document opened: fires when the client opens the public link of a document of the configured template (empty = any).
[Activity("Automation", "DocumentOpenedTrigger", Category = "Triggers", DisplayName = "Document opened", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when the client opens a document's public link.")]
public sealed class DocumentOpenedTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Template", Description = "The id of the document template; empty = any template.")]
    public Input<string> TemplateId { get; init; } = new("");

    public override string EventType => EventTypes.DocumentOpened;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(TemplateId), e.Text("templateId"));
}
