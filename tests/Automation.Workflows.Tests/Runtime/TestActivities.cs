using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Tests.Runtime;

/// Produces an output later activities read.
[Activity("Test", "Produce", Category = "Test")]
public sealed class Produce : Activity
{
    [Input] public Input<string> Value { get; init; } = new("");
    [Output] public Output<string> Result { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.Set(Result, context.Get(Value));
        return ValueTask.CompletedTask;
    }
}

/// Always throws: a rule that faults.
[Activity("Test", "Explode", Category = "Test")]
public sealed class Explode : Activity
{
    public override ValueTask ExecuteAsync(ActivityContext context) => throw new InvalidOperationException("boom");
}

/// Waits for a resume; completes with the resume input as its output.
[Activity("Test", "WaitHere", Category = "Test")]
public sealed class WaitHere : Activity
{
    [Input(IsMatchKey = true)] public Input<string> Key { get; init; } = new("");
    [Output] public Output<object?> Received { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        context.CreateBookmark(new BookmarkRequest("Test.WaitHere", new { Key = context.Get(Key) }));
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        context.Set(Received, context.ResumeInput);
        return ValueTask.CompletedTask;
    }
}
