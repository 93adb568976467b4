using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Merges branches: runs once all of them arrived (WaitAll), or on the first one (WaitAny, cancelling the others).
[Activity("Elsa", "FlowJoin", Category = "Branching", DisplayName = "Join", Description = "Merges parallel branches.")]
public sealed class FlowJoin : Activity
{
    [Input(Description = "WaitAll: continue when every inbound branch arrived. WaitAny: continue on the first and cancel the rest.",
        Options = ["WaitAll", "WaitAllActive", "WaitAny"], DefaultValue = "WaitAll")]
    public Input<JoinMode> Mode { get; init; } = new(JoinMode.WaitAll);

    public override ValueTask ExecuteAsync(ActivityContext context) => ValueTask.CompletedTask;

    internal JoinMode ModeOf(WorkflowStep step) =>
        Mode.Expression is null ? Mode.Default : (JoinMode)step.Expressions.Evaluate(Mode.Expression, step.Model, typeof(JoinMode), nameof(Mode))!;
}

public enum JoinMode { WaitAll, WaitAllActive, WaitAny }
