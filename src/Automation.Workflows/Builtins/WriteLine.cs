using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Automation.Workflows.Builtins;

/// Writes a line to the service log (and to the journal).
[Activity("Elsa", "WriteLine", Category = "Console", DisplayName = "Write Line", Description = "Writes a line of text to the log.")]
public sealed class WriteLine : Activity
{
    [Input(Description = "The text to write.")]
    public Input<string> Text { get; init; } = new("");

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var text = context.Get(Text);
        context.Journal("text", text);
        context.Services.GetService<ILoggerFactory>()?.CreateLogger("Automation.Workflows.WriteLine")
            .LogInformation("{WorkflowInstance} {Activity}: {Text}", context.Instance.Id, context.ActivityId, text);
        return ValueTask.CompletedTask;
    }
}
