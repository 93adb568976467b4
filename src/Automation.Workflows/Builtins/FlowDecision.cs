using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Continues through `True` or `False` depending on a condition.
[Activity("Elsa", "FlowDecision", Category = "Branching", DisplayName = "Decision", Description = "Evaluates a condition and continues through True or False.")]
[FlowNode("True", "False")]
public sealed class FlowDecision : Activity
{
    [Input(Description = "The condition to evaluate.", UIHint = UIHints.SingleLine, DefaultSyntax = "JavaScript", Required = true)]
    public Input<bool> Condition { get; init; } = new(false);

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.Complete(context.Get(Condition) ? "True" : "False");
        return ValueTask.CompletedTask;
    }
}
