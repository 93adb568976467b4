using System.Collections.Concurrent;
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

/// Holds every step that runs it until as many steps as a test expects are inside it at once (or 10 s pass), so that
/// a test can prove two nodes really ran one instance's step concurrently.
[Activity("Test", "Meet", Category = "Test")]
public sealed class Meet : Activity
{
    private static readonly ConcurrentDictionary<string, Meeting> Meetings = new(StringComparer.Ordinal);

    [Input] public Input<string> Key { get; init; } = new("");

    /// Expects <paramref name="parties"/> steps in the activity with this key; returns how many arrived so far.
    public static Func<int> Expect(string key, int parties)
    {
        var meeting = Meetings[key] = new Meeting(parties);
        return () => meeting.Arrived;
    }

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        if (Meetings.TryGetValue(context.Get(Key), out var meeting)) await meeting.ArriveAsync();
    }

    private sealed class Meeting(int parties)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public int Arrived => Volatile.Read(ref _arrived);

        public async Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) >= parties) _all.TrySetResult();
            await Task.WhenAny(_all.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        }
    }
}
