using System.Text.Json.Nodes;
using Automation.Rules.Conditions;
using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Rules.Triggers;

/// Base of every trigger: it stands unconnected in a status workflow and, when its event happens for an order in
/// another status, moves the order into this status (see EventProcessor). Reached inside a run, it does nothing.
public abstract class OrderTrigger : Activity
{
    public const string TriggerCategory = "Trigger";

    [Input(Category = TriggerCategory, DisplayName = "Allow switching to previous status",
        Description = "Lets the trigger move an order back to this status from a later one, or out of a final status.")]
    public Input<bool> AllowBackwards { get; init; } = new(false);

    [Input(Category = TriggerCategory, UIHint = UIHints.JsonEditor,
        Description = "Field conditions on the order: {items: [{field, operator, value, joiner: AND|OR}]}.")]
    public Input<ConditionGroup?> Condition { get; init; } = new(null);

    /// The inbox event type this trigger listens to, e.g. `payment.received`.
    public abstract string EventType { get; }

    /// Whether the event matches this trigger's own settings (read through <paramref name="settings"/>).
    public abstract bool Matches(OrderEvent e, TriggerSettings settings);

    public sealed override ValueTask ExecuteAsync(ActivityContext context) => ValueTask.CompletedTask;

    public override IEnumerable<object> GetTriggerPayloads(ActivityContext context) => [new { EventType }];
}

/// An event about one order, as triggers see it.
public sealed record OrderEvent(string Type, long OrderId, JsonObject Data)
{
    public string? Text(string name) => Data[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : Data[name]?.ToJsonString();
}
