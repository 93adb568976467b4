using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Waits for a time span, durably: the wait survives restarts and resumes once.
[Activity("Elsa", "Delay", Category = "Scheduling", Description = "Delays execution for the specified amount of time.")]
public sealed class Delay : Activity
{
    public const string TypeName = "Elsa.Delay";

    [Input(Description = "How long to wait, e.g. 00:05:00.", Required = true)]
    public Input<TimeSpan> TimeSpan { get; init; } = new(System.TimeSpan.Zero);

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        var span = context.Get(TimeSpan);
        if (span > System.TimeSpan.Zero)
        {
            var at = context.Clock.GetUtcNow() + span;
            context.CreateBookmark(new BookmarkRequest(TypeName, new { ResumeAt = at }, at));
        }
        return ValueTask.CompletedTask;
    }
}
