using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Sets a workflow variable.
[Activity("Elsa", "SetVariable", Category = "Primitives", DisplayName = "Set Variable", Description = "Assigns a value to a workflow variable.")]
public sealed class SetVariable : Activity
{
    [Input(Description = "The variable to assign.", UIHint = UIHints.VariablePicker, IsWrapped = false, Required = true)]
    public Input<System.Text.Json.Nodes.JsonNode?> Variable { get; init; } = new(null);

    [Input(Description = "The value to assign.", UIHint = UIHints.SingleLine)]
    public Input<object?> Value { get; init; } = new(null);

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var reference = context.Get(Variable);
        var id = reference?["id"]?.GetValue<string>();
        var name = reference?["name"]?.GetValue<string>();
        if (id is not null && context.Expressions.VariableNames.TryGetValue(id, out var byId)) name = byId;
        if (string.IsNullOrEmpty(name)) throw new InvalidOperationException("SetVariable: no variable chosen.");
        context.SetVariable(name, context.Get(Value));
        return ValueTask.CompletedTask;
    }
}
