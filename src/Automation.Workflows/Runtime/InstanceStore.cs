using System.Text.Json;
using System.Text.Json.Serialization;
using Automation.Workflows.Persistence;
using Automation.Workflows.Persistence.Rows;

namespace Automation.Workflows.Runtime;

/// Loads an instance for a step and writes back what the step changed: state, bookmarks, journal.
internal static class InstanceStore
{
    public static InstanceState ReadState(string json) =>
        JsonSerializer.Deserialize(json, InstanceStateJson.Default.InstanceState) ?? new InstanceState();

    public static string WriteState(InstanceState state) => JsonSerializer.Serialize(state, InstanceStateJson.Default.InstanceState);

    public static async Task<(InstanceRecord Record, InstanceState State, List<BookmarkRecord> Bookmarks)?> LoadAsync(
        StepUnitOfWork work, string instanceId, CancellationToken ct)
    {
        // A step earlier in this unit of work may have staged the instance: go on from there, not from the stored row.
        if (work.Staged(instanceId) is { } staged)
        {
            var stored = staged.LoadedRevision is null ? [] : await BookmarkRows.OfInstanceAsync(work, instanceId, ct);
            return (staged.Instance, ReadState(staged.Instance.State), staged.BookmarksAfter(stored));
        }
        var record = await InstanceRows.LoadAsync(work, instanceId, ct);
        if (record is null) return null;
        var bookmarks = await BookmarkRows.OfInstanceAsync(work, instanceId, ct);
        return (record, ReadState(record.State), bookmarks);
    }

    /// Stages the step's changes in the unit of work. Returns the timers to schedule and cancel after the commit.
    public static (List<(string Id, DateTimeOffset At)> Schedule, List<string> Cancel) Stage(
        StepUnitOfWork work, WorkflowStep step, InstanceRecord record, bool isNew, IReadOnlyList<BookmarkRecord> existing,
        string? consumedBookmarkId)
    {
        var now = step.Clock.GetUtcNow();
        StopWaitingIfEnded(step);
        var released = existing.Where(b => step.ReleasedActivities.Contains(b.ActivityId) && b.Id != consumedBookmarkId).ToList();
        var created = NewBookmarks(step, record, now);
        var loadedRevision = isNew ? (long?)null : record.Revision;
        Update(record, step, isNew, now);
        work.Stage(new StepRows
        {
            Instance = record,
            LoadedRevision = loadedRevision,
            Consumed = consumedBookmarkId is null ? [] : [consumedBookmarkId],
            Released = released.Select(b => b.Id).ToArray(),
            Created = created,
            Journal = step.Journal.ToArray(),
        });
        step.Journal.Clear();
        var schedule = created.Where(b => b.ResumeAt is not null).Select(b => (b.Id, b.ResumeAt!.Value)).ToList();
        var cancel = released.Where(b => b.ResumeAt is not null).Select(b => b.Id).ToList();
        return (schedule, cancel);
    }

    /// A cancelled or finished instance waits for nothing more: its waiting activities are cancelled and journaled.
    private static void StopWaitingIfEnded(WorkflowStep step)
    {
        var reason = step.CancelReason ?? (step.Finished ? "the workflow reached its end" : null);
        if (reason is null) return;
        foreach (var waiting in step.State.Waiting.ToArray()) FlowchartRunner.CancelWaiting(step, waiting, reason);
        step.State.Queue.Clear();
        step.NewBookmarks.Clear();
    }

    private static List<BookmarkRecord> NewBookmarks(WorkflowStep step, InstanceRecord record, DateTimeOffset now)
    {
        var created = new List<BookmarkRecord>(step.NewBookmarks.Count);
        foreach (var (activityId, request) in step.NewBookmarks)
        {
            var payload = StimulusHash.PayloadJson(request.Payload);
            created.Add(new BookmarkRecord
            {
                Id = Ids.New(),
                Name = request.Name,
                Hash = StimulusHash.Compute(request.Name, payload),
                InstanceId = record.Id,
                CorrelationId = record.CorrelationId,
                ActivityId = activityId,
                Payload = payload,
                ResumeAt = request.ResumeAt,
                Data = request.Data?.ToJsonString(),
                CreatedAt = now,
            });
        }
        return created;
    }

    /// The instance row after the step: status, state, faults, and the next revision.
    private static void Update(InstanceRecord record, WorkflowStep step, bool isNew, DateTimeOffset now)
    {
        var cancelled = step.CancelReason is not null;
        var done = cancelled || step.Finished || step.State.IsIdle;
        step.SaveVariables();
        record.Status = (cancelled ? WorkflowStatus.Cancelled
            : done ? WorkflowStatus.Finished
            : step.State.Queue.Count > 0 ? WorkflowStatus.Running
            : WorkflowStatus.Suspended).ToString();
        record.State = WriteState(step.State);
        record.Faults += step.Faults;
        record.Message = step.CancelReason ?? record.Message;
        record.UpdatedAt = now;
        if (done) record.FinishedAt = now;
        record.Revision = isNew ? 1 : record.Revision + 1;
    }
}

/// The bookmark was consumed (or cancelled) by someone else first.
public sealed class BookmarkGoneException(string bookmarkId) : Exception($"Bookmark '{bookmarkId}' no longer exists.")
{
    public string BookmarkId { get; } = bookmarkId;
}

/// The instance state's JSON shape, generated at build time (web naming, as before): cheaper than reflection per step.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InstanceState))]
internal sealed partial class InstanceStateJson : JsonSerializerContext;
