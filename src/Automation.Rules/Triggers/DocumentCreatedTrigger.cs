using Automation.Orders.Events;
using Automation.Workflows.Activities;

namespace Automation.Rules.Triggers;

/// Document created: fires when a document of the configured template (empty = any) is created for the order.
[Activity("Automation", "DocumentCreatedTrigger", Category = "Triggers", DisplayName = "Document created", Kind = ActivityKind.Trigger,
    Description = "Moves the order here when a document is created for it.")]
public sealed class DocumentCreatedTrigger : OrderTrigger
{
    [Input(Category = TriggerCategory, DisplayName = "Template", Description = "The id of the document template; empty = any template.")]
    public Input<string> TemplateId { get; init; } = new("");

    public override string EventType => EventTypes.DocumentCreated;

    public override bool Matches(OrderEvent e, TriggerSettings settings) => TriggerMatch.EmptyOrEqual(settings.Get(TemplateId), e.Text("templateId"));
}
