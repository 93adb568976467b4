using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Automation.Workflows.Scheduling;

/// Timer bookmarks as Quartz jobs in the persistent job store: they survive restarts, and with a clustered store
/// each fires on one node only. The bookmark itself is the truth; a job that fires for a consumed bookmark does nothing.
public sealed class QuartzTimerScheduler(ISchedulerFactory schedulers, ILogger<QuartzTimerScheduler> log) : ITimerScheduler
{
    public const string Group = "workflow-timers";

    public async Task ScheduleAsync(IReadOnlyList<(string BookmarkId, DateTimeOffset At)> timers, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        foreach (var (bookmarkId, at) in timers)
        {
            var job = JobBuilder.Create<ResumeTimerJob>()
                .WithIdentity(bookmarkId, Group)
                .UsingJobData(ResumeTimerJob.BookmarkKey, bookmarkId)
                .RequestRecovery()
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(bookmarkId, Group)
                .StartAt(at)
                .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, ct);
        }
    }

    public async Task CancelAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJobs(bookmarkIds.Select(id => new JobKey(id, Group)).ToArray(), ct);
    }

    /// Schedules timer bookmarks that have no job: a node stopped between a step's commit and its scheduling call.
    public Task<int> ReconcileAsync(WorkflowDatabase database, CancellationToken ct) => ReconcileAsync(database, null, null, ct);

    /// The same for the timers set in a window (bookmarks created at or after setSince and before setBefore): what the
    /// recovery sweep of a running node checks, so that it reads the timers of the last minutes, not all of them. A
    /// timer whose job is being created right now is scheduled twice at most, to the same time (Replace).
    public async Task<int> ReconcileAsync(WorkflowDatabase database, DateTimeOffset? setSince, DateTimeOffset? setBefore, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var query = db.Bookmarks.Where(b => b.ResumeAt != null);
        if (setSince is { } since) query = query.Where(b => b.CreatedAt >= since);
        if (setBefore is { } before) query = query.Where(b => b.CreatedAt < before);
        var timers = await query.Select(b => new { b.Id, b.ResumeAt }).ToListAsync(ct);
        var missing = new List<(string, DateTimeOffset)>();
        foreach (var timer in timers)
            if (!await scheduler.Exists(new JobKey(timer.Id, Group), ct)) missing.Add((timer.Id, timer.ResumeAt!.Value));
        if (missing.Count > 0)
        {
            log.LogWarning("Scheduling {Count} timer(s) that had no job (a node stopped between setting them and scheduling them)", missing.Count);
            await ScheduleAsync(missing, ct);
        }
        return missing.Count;
    }
}

/// Resumes the workflow waiting on a timer bookmark; a failed resume is retried while the bookmark is there (a
/// consumed or cancelled bookmark makes the resume return without error).
public sealed class ResumeTimerJob(WorkflowEngine engine, TimerRetry retry) : IJob
{
    public const string BookmarkKey = "bookmarkId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default)
    {
        if (context.MergedJobDataMap.GetString(BookmarkKey) is { } bookmarkId)
            await retry.RunAsync(context, $"bookmark {bookmarkId}", token => engine.ResumeAsync(bookmarkId, null, token), ct);
    }
}
