using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Where a flowchart begins; its outbound connections start branches side by side.
[Activity("Elsa", "Start", Category = "Flow", Description = "The start of the workflow.", IsStart = true)]
public sealed class Start : Activity
{
    public override ValueTask ExecuteAsync(ActivityContext context) => ValueTask.CompletedTask;
}
