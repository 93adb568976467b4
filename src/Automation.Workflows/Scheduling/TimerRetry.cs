using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Automation.Workflows.Scheduling;

/// `Timers:*` — the back-off of a timer job whose work failed: the first retry after RetryAfter, each next one after
/// twice as long, never longer than RetryAtMost. Settings rather than constants: tests need milliseconds, and an
/// operator whose database fails over slowly may want a different cap.
public sealed record TimerRetryOptions
{
    public const string Section = "Timers";
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")] public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")] public TimeSpan RetryAtMost { get; init; } = TimeSpan.FromMinutes(5);

    /// How long to wait before the retry that follows the given failed attempt (1 = the timer's own fire).
    public TimeSpan DelayAfter(int attempt)
    {
        var doubled = RetryAfter.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return doubled >= RetryAtMost.Ticks ? RetryAtMost : TimeSpan.FromTicks((long)doubled);
    }
}

/// Runs a timer job's work; when it fails (a database error, not a shutdown) the job fires again after a back-off,
/// through a new trigger for the same job, so Quartz does not delete the job with its only, completed trigger. The
/// work itself decides when there is nothing left to do (a consumed bookmark, an ended marker) and then succeeds.
public sealed class TimerRetry(IOptions<TimerRetryOptions> options, ILogger<TimerRetry> log)
{
    /// The number of failed attempts before this fire, in the retry trigger's job data.
    public const string AttemptsKey = "failedAttempts";

    public async ValueTask RunAsync(IJobExecutionContext context, string timer, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        try
        {
            await work(ct);
        }
        catch (Exception error) when (!(error is OperationCanceledException && ct.IsCancellationRequested))
        {
            var attempt = (context.Trigger.JobDataMap.TryGetInt(AttemptsKey, out var failed) ? failed : 0) + 1;
            var delay = options.Value.DelayAfter(attempt);
            log.LogWarning(error, "Timer {Timer} failed on attempt {Attempt}; it fires again in {Delay}", timer, attempt, delay);
            await ScheduleRetryAsync(context, timer, attempt, delay, ct);
        }
    }

    private async Task ScheduleRetryAsync(IJobExecutionContext context, string timer, int attempt, TimeSpan delay, CancellationToken ct)
    {
        var job = context.JobDetail.Key;
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{job.Name}:retry:{Guid.NewGuid():N}", job.Group)
            .ForJob(job)
            .UsingJobData(AttemptsKey, attempt)
            .StartAt(context.Scheduler.TimeProvider.GetUtcNow() + delay) // the clock the scheduler fires by
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            await context.Scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), ct);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The job goes with its completed trigger; the next start's reconciliation schedules the timer again.
            log.LogError(error, "Timer {Timer} could not be scheduled again after attempt {Attempt}", timer, attempt);
        }
    }
}
