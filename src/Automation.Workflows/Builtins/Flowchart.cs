using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// The root container of every workflow; the runtime runs its graph directly.
[Activity("Elsa", "Flowchart", Category = "Flow", Description = "A flowchart of connected activities.", IsBrowsable = false, IsContainer = true)]
public sealed class FlowchartActivity : Activity
{
    public override ValueTask ExecuteAsync(ActivityContext context) =>
        throw new InvalidOperationException("Nested flowcharts are not supported: use the 'Run workflow' rule to start a reusable workflow.");
}
