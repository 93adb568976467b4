using Automation.Workflows.Model;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Activities;

/// Base of every activity. One instance per activity node of a published definition version, shared by all its
/// workflow instances: inputs hold expressions, never per-run values; per-run state lives in the context.
public abstract class Activity
{
    /// The node this activity was built from.
    public ActivityNode Node { get; internal set; } = null!;

    public string Id => Node.Id;

    /// Runs the activity. Completing is implicit (outcome `Done`) unless the activity completes with other
    /// outcomes, creates a bookmark (then it waits) or throws (then it faults).
    public abstract ValueTask ExecuteAsync(ActivityContext context);

    /// Called when one of this activity's bookmarks is resumed; the stimulus input is <c>context.ResumeInput</c>.
    public virtual ValueTask ResumeAsync(ActivityContext context) => ValueTask.CompletedTask;

    /// For trigger activities: the match payloads this activity is indexed under when its workflow is published.
    public virtual IEnumerable<object> GetTriggerPayloads(ActivityContext context) => [];

    /// Called when the activity is cancelled while waiting (the instance was cancelled or a join cancelled its branch).
    public virtual ValueTask CancelAsync(ActivityContext context) => ValueTask.CompletedTask;
}
