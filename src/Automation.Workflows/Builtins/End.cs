using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Ends the flowchart at once: branches still waiting are cancelled.
[Activity("Elsa", "End", Category = "Flow", Description = "Ends the workflow.", IsTerminal = true)]
public sealed class End : Activity
{
    public const string TypeName = "Elsa.End";

    public override ValueTask ExecuteAsync(ActivityContext context) => ValueTask.CompletedTask;
}
