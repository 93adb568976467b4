using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;
using Automation.Workflows.Persistence.Rows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Workflows.Runtime;

/// Starts, resumes and cancels workflow instances. Every step commits its instance state, bookmarks, journal and the
/// domain changes its activities made in one transaction; a bookmark is consumed exactly once.
public sealed class WorkflowEngine(
    WorkflowDatabase database, WorkflowDefinitions definitions, ExpressionEngine expressions, ITimerScheduler timers,
    IServiceProvider services, TimeProvider clock, IEnumerable<IExpressionModelContributor> contributors,
    ILogger<WorkflowEngine>? logger = null)
{
    private const int MaxAttempts = 8;
    private readonly ILogger _log = logger ?? NullLogger<WorkflowEngine>.Instance;
    private readonly InstanceLocks _locks = new();
    private readonly IExpressionModelContributor[] _contributors = contributors.ToArray();

    public WorkflowDatabase Database => database;
    public WorkflowDefinitions Definitions => definitions;

    /// Starts the published version of a definition and runs it until it finishes or waits; one commit.
    public async Task<InstanceResult> StartAsync(StartWorkflow request, CancellationToken ct = default)
    {
        await using var work = await database.BeginAsync(ct);
        var result = await StartAsync(work, request, ct);
        await work.CommitAsync(ct);
        return result;
    }

    /// Starts an instance inside a caller's unit of work: it runs now and commits with the caller's other changes.
    public async Task<InstanceResult> StartAsync(StepUnitOfWork work, StartWorkflow request, CancellationToken ct = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var workflow = request.VersionId is { } versionId
            ? await definitions.GetVersionAsync(versionId, work, ct)
            : await definitions.GetPublishedAsync(request.DefinitionId, work, ct)
              ?? throw new WorkflowNotFoundException(request.DefinitionId);
        var now = clock.GetUtcNow();
        var record = new InstanceRecord
        {
            Id = request.InstanceId ?? Ids.New(),
            DefinitionId = workflow.Definition.DefinitionId,
            DefinitionVersionId = workflow.Definition.Id,
            Version = workflow.Definition.Version,
            CorrelationId = request.CorrelationId,
            Status = nameof(WorkflowStatus.Running),
            State = "{}",
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (request.TriggerActivityId is { } trigger && !workflow.Activities.Any(a => a.Id == trigger))
            throw new StartActivityNotFoundException(workflow.Definition.DefinitionId, workflow.Definition.Version, trigger);
        var state = new InstanceState { Input = request.Input, TriggerActivityId = request.TriggerActivityId };
        var step = await NewStepAsync(workflow, record, state, work, ct);
        FlowchartRunner.ScheduleStart(step);
        await FlowchartRunner.RunQueueAsync(step);
        Stage(work, step, record, isNew: true, existing: [], consumed: null);
        EngineMetrics.RecordStep(started, "start");
        return new InstanceResult(record.Id, Enum.Parse<WorkflowStatus>(record.Status), record.Faults);
    }

    /// Resumes the instance waiting on this bookmark (the opaque token of a resume URL). Null when the bookmark is
    /// gone: already resumed, cancelled, or never existed.
    public async Task<InstanceResult?> ResumeAsync(string bookmarkId, JsonNode? input = null, CancellationToken ct = default)
    {
        string? instanceId;
        await using (var reads = await database.OpenReadSessionAsync(ct))
            instanceId = await BookmarkRows.InstanceOfAsync(reads, bookmarkId, ct);
        return instanceId is null ? null : await ResumeInstanceAsync(instanceId, bookmarkId, input, ct);
    }

    /// Resumes every bookmark matching a stimulus (name + payload), found through the hash index, optionally only
    /// those of one correlation id (e.g. one order).
    public async Task<IReadOnlyList<InstanceResult>> ResumeAsync(Stimulus stimulus, JsonNode? input = null, CancellationToken ct = default)
    {
        var hash = StimulusHash.Compute(stimulus.Name, stimulus.Payload);
        List<(string Id, string InstanceId)> matches;
        await using (var reads = await database.OpenReadSessionAsync(ct))
            matches = await BookmarkRows.MatchingAsync(reads, hash, stimulus.CorrelationId, ct);
        var results = new List<InstanceResult>();
        foreach (var (id, instanceId) in matches)
            if (await ResumeInstanceAsync(instanceId, id, input, ct) is { } result) results.Add(result);
        return results;
    }

    /// Resumes, inside the caller's unit of work, every bookmark matching a stimulus: the resumed steps commit (or roll
    /// back) with the caller's other changes. An instance with a step running in this unit is not re-entered.
    public async Task<IReadOnlyList<InstanceResult>> ResumeAsync(StepUnitOfWork work, Stimulus stimulus, JsonNode? input, CancellationToken ct = default)
    {
        var hash = StimulusHash.Compute(stimulus.Name, stimulus.Payload);
        var matches = await BookmarkRows.MatchingAsync(work, hash, stimulus.CorrelationId, ct);
        foreach (var staged in work.StagedInstances.Where(i => stimulus.CorrelationId is null || i.CorrelationId == stimulus.CorrelationId).ToList())
            foreach (var created in work.Staged(staged.Id)!.Created.Where(b => b.Hash == hash))
                matches.Add((created.Id, staged.Id));
        var results = new List<InstanceResult>();
        foreach (var (bookmarkId, instanceId) in matches.Distinct())
        {
            if (work.ActiveSteps.ContainsKey(instanceId)) continue;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var loaded = await InstanceStore.LoadAsync(work, instanceId, ct);
            if (loaded is not { } l || IsDone(l.Record.Status) || l.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId) is not { } bookmark) continue;
            var workflow = await definitions.GetVersionAsync(l.Record.DefinitionVersionId, work, ct);
            var step = await NewStepAsync(workflow, l.Record, l.State, work, ct);
            step.Bookmarks = l.Bookmarks;
            await FlowchartRunner.ResumeAsync(step, ToBookmark(bookmark), input);
            Stage(work, step, l.Record, isNew: false, l.Bookmarks, bookmarkId);
            EngineMetrics.RecordStep(started, "resume");
            results.Add(new InstanceResult(l.Record.Id, Enum.Parse<WorkflowStatus>(l.Record.Status), step.Faults));
        }
        return results;
    }

    /// The unfinished instances correlated with an id as this unit of work sees them (stored, or started, resumed or
    /// finished by a step earlier in the unit), with their definition ids.
    public async Task<IReadOnlyList<(string InstanceId, string DefinitionId)>> OpenInstancesAsync(StepUnitOfWork work, string correlationId,
        CancellationToken ct = default)
    {
        var open = (await InstanceRows.OpenOfCorrelationAsync(work, correlationId, ct)).ToDictionary(i => i.Id, i => i.DefinitionId, StringComparer.Ordinal);
        foreach (var staged in work.StagedInstances.Where(i => i.CorrelationId == correlationId))
        {
            if (IsDone(staged.Status)) open.Remove(staged.Id);
            else open[staged.Id] = staged.DefinitionId;
        }
        return open.Select(i => (i.Key, i.Value)).ToList();
    }

    /// The published version of every definition: one light read, for callers that cache what they build from the
    /// compiled versions (inside a unit of work it reads through the unit's connection).
    public async Task<IReadOnlyList<(string DefinitionId, string VersionId)>> PublishedVersionsAsync(StepUnitOfWork? work, CancellationToken ct = default)
    {
        if (work is not null) return await DefinitionRows.PublishedAsync(work, ct);
        await using var reads = await database.OpenReadSessionAsync(ct);
        return await DefinitionRows.PublishedAsync(reads, ct);
    }

    /// Resumes every timer bookmark due at <paramref name="now"/>; what the scheduler's jobs do, and a safety net.
    public async Task<int> ResumeDueTimersAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        List<(string Id, string InstanceId)> due;
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var db = WorkflowDb.Create(connection, database.Provider))
            due = (await db.Bookmarks.Where(b => b.ResumeAt != null && b.ResumeAt <= now).OrderBy(b => b.ResumeAt)
                .Select(b => new { b.Id, b.InstanceId }).Take(1000).ToListAsync(ct)).Select(b => (b.Id, b.InstanceId)).ToList();
        var resumed = 0;
        foreach (var (id, instanceId) in due)
            if (await ResumeInstanceAsync(instanceId, id, null, ct) is not null) resumed++;
        return resumed;
    }

    /// Cancels an instance: its bookmarks and timers go, waiting activities are told, the journal says why.
    public async Task<bool> CancelAsync(string instanceId, string reason, CancellationToken ct = default) =>
        await RunStepAsync(instanceId, null, null, async (work, step) => { step.RequestCancel(reason); await Task.CompletedTask; }, ct) is not null;

    /// Cancels an instance inside a caller's unit of work. When the caller is that instance's own running step, the
    /// step stops after the current activity.
    public async Task CancelAsync(StepUnitOfWork work, string instanceId, string reason, CancellationToken ct = default)
    {
        if (work.ActiveSteps.TryGetValue(instanceId, out var running))
        {
            running.RequestCancel(reason);
            return;
        }
        var loaded = await InstanceStore.LoadAsync(work, instanceId, ct);
        if (loaded is not { } l || IsDone(l.Record.Status)) return;
        var workflow = await definitions.GetVersionAsync(l.Record.DefinitionVersionId, work, ct);
        var step = await NewStepAsync(workflow, l.Record, l.State, work, ct);
        step.RequestCancel(reason);
        Stage(work, step, l.Record, isNew: false, l.Bookmarks, consumed: null);
    }

    /// Continues every instance whose last commit left work scheduled (a crash between steps, or a commit point); what a
    /// node does when it starts. It takes them all, however recent: a step another node may be running on one of them
    /// commits first or loses on the revision, so the work still commits once, and nothing waits for the sweep.
    public Task<int> RecoverAsync(CancellationToken ct = default) => ContinueRunningAsync(updatedBefore: null, ct);

    /// Continues the instances left `Running` and not updated since <paramref name="updatedBefore"/>: what a node that
    /// died mid-step left behind. A live step commits within seconds, so a cut-off well in the past never takes one;
    /// nodes sweeping together each continue an instance at most once between them (revision check, then a fresh load
    /// that finds it no longer stranded). Returns how many this call continued.
    public Task<int> ContinueStrandedAsync(DateTimeOffset updatedBefore, CancellationToken ct = default) =>
        ContinueRunningAsync(updatedBefore, ct);

    // The most instances one sweep continues, so that a backlog after an outage is worked off across sweeps.
    private const int SweepBatch = 1000;

    private async Task<int> ContinueRunningAsync(DateTimeOffset? updatedBefore, CancellationToken ct)
    {
        List<string> running;
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var db = WorkflowDb.Create(connection, database.Provider))
        {
            running = await RunningOldestFirst(db, updatedBefore).ToListAsync(ct);
        }
        // Checked again on each fresh load in the step's transaction: another node (or sweep) may have got there first.
        bool Stranded(InstanceRecord r) => r.Status == nameof(WorkflowStatus.Running) && (updatedBefore is null || r.UpdatedAt < updatedBefore);
        var continued = 0;
        foreach (var id in running)
            if (await RunStepAsync(id, null, null, (_, step) => FlowchartRunner.RunQueueAsync(step), ct, Stranded) is not null) continued++;
        return continued;
    }

    /// The running instances last written before the cut-off (all of them without one), oldest first, by the partial
    /// index of running instances (WorkflowDb.RunningIndex): the status is a literal in the query, as the index's filter
    /// must be matched. A sweep takes a bounded batch (the next sweep takes the rest); start-up takes them all.
    internal static IQueryable<string> RunningOldestFirst(WorkflowDb db, DateTimeOffset? updatedBefore)
    {
        var query = db.Instances.Where(i => i.Status == nameof(WorkflowStatus.Running));
        if (updatedBefore is { } cutOff) query = query.Where(i => i.UpdatedAt < cutOff);
        var oldestFirst = query.OrderBy(i => i.UpdatedAt).Select(i => i.Id);
        return updatedBefore is null ? oldestFirst : oldestFirst.Take(SweepBatch);
    }

    public async Task<InstanceRecord?> GetInstanceAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await db.Instances.FirstOrDefaultAsync(i => i.Id == instanceId, ct);
    }

    private Task<InstanceResult?> ResumeInstanceAsync(string instanceId, string bookmarkId, JsonNode? input, CancellationToken ct) =>
        RunStepAsync(instanceId, bookmarkId, input, async (work, step) =>
        {
            var bookmark = step.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId);
            if (bookmark is null) throw new BookmarkGoneException(bookmarkId);
            await FlowchartRunner.ResumeAsync(step, ToBookmark(bookmark), input);
        }, ct);

    /// Loads an instance, runs one step on it and commits; retries from a fresh load when another step or node
    /// committed first. Returns null when there was nothing to do (instance done, bookmark gone, or <paramref name="applies"/>
    /// says the fresh load no longer needs the step).
    private async Task<InstanceResult?> RunStepAsync(string instanceId, string? consumes, JsonNode? input,
        Func<StepUnitOfWork, WorkflowStep, ValueTask> act, CancellationToken ct, Func<InstanceRecord, bool>? applies = null)
    {
        using var held = await _locks.AcquireAsync(instanceId, ct);
        for (var attempt = 1; ; attempt++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await using var work = await database.BeginAsync(ct);
            var loaded = await InstanceStore.LoadAsync(work, instanceId, ct);
            if (loaded is not { } l || IsDone(l.Record.Status)) return null;
            if (consumes is not null && l.Bookmarks.All(b => b.Id != consumes)) return null;
            if (applies is not null && !applies(l.Record)) return null;
            var workflow = await definitions.GetVersionAsync(l.Record.DefinitionVersionId, work, ct);
            var step = await NewStepAsync(workflow, l.Record, l.State, work, ct);
            step.Bookmarks = l.Bookmarks;
            try
            {
                await act(work, step);
                Stage(work, step, l.Record, isNew: false, l.Bookmarks, consumes);
                await work.CommitAsync(ct);
                EngineMetrics.RecordStep(started, consumes is null ? "continue" : "resume");
                return new InstanceResult(l.Record.Id, Enum.Parse<WorkflowStatus>(l.Record.Status), step.Faults);
            }
            catch (BookmarkGoneException)
            {
                return null;
            }
            catch (Exception conflict) when (attempt < MaxAttempts && IsConflict(conflict))
            {
                _log.LogDebug("Instance {Instance} changed under step attempt {Attempt} ({Conflict}); retrying", instanceId, attempt, conflict.GetType().Name);
            }
        }
    }

    private async Task<WorkflowStep> NewStepAsync(CompiledWorkflow workflow, InstanceRecord record, InstanceState state, StepUnitOfWork work, CancellationToken ct)
    {
        var info = new WorkflowInstanceInfo(record.Id, record.DefinitionId, record.DefinitionVersionId, record.Version, record.CorrelationId);
        var step = new WorkflowStep(workflow, info, state, work, expressions, services, clock, ct);
        foreach (var contributor in _contributors) await contributor.ContributeAsync(step.Model, info, workflow.References, work, ct);
        work.ActiveSteps[record.Id] = step;
        return step;
    }

    private void Stage(StepUnitOfWork work, WorkflowStep step, InstanceRecord record, bool isNew, IReadOnlyList<BookmarkRecord> existing, string? consumed)
    {
        var (schedule, cancel) = InstanceStore.Stage(work, step, record, isNew, existing, consumed);
        work.ActiveSteps.Remove(record.Id);
        if (schedule.Count > 0 || cancel.Count > 0)
            work.AfterCommit(async ct =>
            {
                if (cancel.Count > 0) await timers.CancelAsync(cancel, ct);
                if (schedule.Count > 0) await timers.ScheduleAsync(schedule, ct);
            });
    }

    /// Another step or node got there first: the instance's revision moved on, or PostgreSQL chose this transaction as
    /// a deadlock victim or serialisation failure. Running the step again from a fresh load is safe: nothing committed.
    private static bool IsConflict(Exception error) => error switch
    {
        DbUpdateConcurrencyException => true,
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure } => true,
        _ => error.InnerException is { } inner && IsConflict(inner),
    };

    private static bool IsDone(string status) =>
        status is nameof(WorkflowStatus.Finished) or nameof(WorkflowStatus.Cancelled) or nameof(WorkflowStatus.Faulted);

    private static Bookmark ToBookmark(BookmarkRecord b) =>
        new(b.Id, b.Name, b.Hash, b.InstanceId, b.CorrelationId, b.ActivityId, b.Payload, b.ResumeAt, b.Data, b.CreatedAt);
}

/// What to start: a definition (its published version, or a given version), a correlation id and input.
public sealed record StartWorkflow(string DefinitionId, string? CorrelationId = null, JsonObject? Input = null)
{
    public string? VersionId { get; init; }
    public string? InstanceId { get; init; }

    /// The trigger that started this run (Elsa's `TriggerActivityId`): the flowchart starts at that activity instead
    /// of its usual start; the trigger completes at once and its outbound connections are followed.
    public string? TriggerActivityId { get; init; }
}

/// A stimulus that resumes bookmarks: the activity type (e.g. `Elsa.Event`) and its match payload.
public sealed record Stimulus(string Name, object? Payload = null, string? CorrelationId = null);

public sealed record InstanceResult(string InstanceId, WorkflowStatus Status, int Faults);

/// Adds roots (e.g. `Order`) to the expression model of every step. <paramref name="references"/> says what the
/// workflow's expressions may read: a part of a root none of them reads may be left out.
public interface IExpressionModelContributor
{
    ValueTask ContributeAsync(ExpressionModel model, WorkflowInstanceInfo instance, ExpressionReferences references, StepUnitOfWork work, CancellationToken ct);
}

/// Schedules timer bookmarks to be resumed at their time (Quartz in the host).
public interface ITimerScheduler
{
    Task ScheduleAsync(IReadOnlyList<(string BookmarkId, DateTimeOffset At)> timers, CancellationToken ct);
    Task CancelAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct);
}

/// A run was asked to start at an activity the workflow version does not have.
public sealed class StartActivityNotFoundException(string definitionId, int version, string activityId)
    : Exception($"{definitionId} v{version} has no activity '{activityId}' to start from.")
{
    public string ActivityId { get; } = activityId;
}

public sealed class WorkflowNotFoundException(string definitionId)
    : Exception($"No published workflow '{definitionId}'.")
{
    public string DefinitionId { get; } = definitionId;
}
