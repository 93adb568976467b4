using System.Globalization;
using Automation.Orders.Activities;
using Automation.Rules.Pipeline;
using Automation.Server.Api;
using Automation.Workflows.Scheduling;
using Quartz;

namespace Automation.Server.Events;

/// The end timers of the Wait rule's markers: one Quartz job per marker in the persistent job store (so it survives
/// restarts, and fires on one node of a cluster); at start, open markers whose job was lost get it again.
public sealed class WaitEnds(ISchedulerFactory schedulers, StoreAccess store, TimeProvider clock, ILogger<WaitEnds> log) : IWaitEndTimers
{
    public const string Group = "wait-ends";

    public async Task ScheduleAsync(long markerId, DateTimeOffset end, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = markerId.ToString(CultureInfo.InvariantCulture);
        var job = JobBuilder.Create<WaitEndJob>().WithIdentity(key, Group).UsingJobData(WaitEndJob.MarkerKey, key).RequestRecovery().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(key, Group).StartAt(end)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, ct);
    }

    /// Whether a marker's end timer is scheduled (tests and diagnostics).
    public async Task<bool> IsScheduledAsync(long markerId, CancellationToken ct) =>
        await (await schedulers.GetScheduler(ct)).Exists(new JobKey(markerId.ToString(CultureInfo.InvariantCulture), Group), ct);

    /// Ends the markers whose end has come by the service's clock; what the jobs do, and a safety net.
    public Task<int> EndDueAsync(CancellationToken ct) => store.WriteAsync(db => new WaitMarkers(db, clock).EndDueAsync(ct), ct);

    /// Schedules the end of open markers that have no job (a node stopped between a step's commit and its scheduling call).
    public async Task<int> ReconcileAsync(CancellationToken ct) =>
        await ScheduleMissingAsync(await store.ReadAsync(db => new WaitMarkers(db, clock).ListOpenAsync(ct), ct), ct);

    /// The same for the markers among the activities after afterId created before createdBefore: what the recovery
    /// sweep of a running node checks, walking on from where its last pass stopped (CheckedUpTo).
    public async Task<(int Scheduled, long CheckedUpTo)> ReconcileCreatedAfterAsync(long afterId, DateTimeOffset createdBefore, CancellationToken ct)
    {
        var (open, checkedUpTo) = await store.ReadAsync(db => new WaitMarkers(db, clock).ListOpenCreatedAfterAsync(afterId, createdBefore, ct), ct);
        return (await ScheduleMissingAsync(open, ct), checkedUpTo);
    }

    private async Task<int> ScheduleMissingAsync(IReadOnlyList<(long Id, DateTimeOffset End)> open, CancellationToken ct)
    {
        if (open.Count == 0) return 0;
        // One read of the group's jobs (one per open marker), not one query per marker.
        var scheduled = (await (await schedulers.GetScheduler(ct)).GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), ct)).Select(k => k.Name).ToHashSet();
        var missing = 0;
        foreach (var (id, end) in open.Where(o => !scheduled.Contains(o.Id.ToString(CultureInfo.InvariantCulture))))
        {
            await ScheduleAsync(id, end, ct);
            missing++;
        }
        if (missing > 0) log.LogWarning("Scheduled the end of {Count} waiting marker(s) that had no timer (a node stopped between setting them and scheduling them)", missing);
        return missing;
    }
}

/// Ends one waiting marker at its end: completes it and notifies the responsible (nothing if the client came first).
/// A failed attempt is retried while the marker is open.
public sealed class WaitEndJob(StoreAccess store, TimeProvider clock, TimerRetry retry) : IJob
{
    public const string MarkerKey = "markerId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct = default)
    {
        if (long.TryParse(context.MergedJobDataMap.GetString(MarkerKey), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            await retry.RunAsync(context, $"wait marker {id}", token => store.WriteAsync(db => new WaitMarkers(db, clock).EndAsync(id, token), token), ct);
    }
}
