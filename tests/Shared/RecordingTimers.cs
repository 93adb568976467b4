using Automation.Workflows.Runtime;

namespace Automation.Testing;

/// Records what the engine asks the scheduler to do; tests fire timers through ResumeDueTimersAsync.
public sealed class RecordingTimers : ITimerScheduler
{
    public List<(string BookmarkId, DateTimeOffset At)> Scheduled { get; } = [];
    public List<string> Cancelled { get; } = [];

    public Task ScheduleAsync(IReadOnlyList<(string BookmarkId, DateTimeOffset At)> timers, CancellationToken ct)
    {
        lock (Scheduled) Scheduled.AddRange(timers);
        return Task.CompletedTask;
    }

    public Task CancelAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct)
    {
        lock (Cancelled) Cancelled.AddRange(bookmarkIds);
        return Task.CompletedTask;
    }
}
