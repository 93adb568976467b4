using System.Data.Common;
using System.Text.Json;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Runtime;

/// Loads an instance for a step and writes back what the step changed: state, bookmarks, journal.
internal static class InstanceStore
{
    private static readonly JsonSerializerOptions StateFormat = new(JsonSerializerDefaults.Web);

    public static InstanceState ReadState(string json) =>
        JsonSerializer.Deserialize<InstanceState>(json, StateFormat) ?? new InstanceState();

    public static string WriteState(InstanceState state) => JsonSerializer.Serialize(state, StateFormat);

    public static async Task<(InstanceRecord Record, InstanceState State, List<BookmarkRecord> Bookmarks)?> LoadAsync(
        StepUnitOfWork work, string instanceId, CancellationToken ct)
    {
        var record = await work.Workflows.Instances.FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (record is null) return null;
        var bookmarks = await work.Workflows.Bookmarks.Where(b => b.InstanceId == instanceId).ToListAsync(ct);
        return (record, ReadState(record.State), bookmarks);
    }

    /// Stages the step's changes in the unit of work. Returns the timers to schedule and cancel after the commit.
    public static (List<(string Id, DateTimeOffset At)> Schedule, List<string> Cancel) Stage(
        StepUnitOfWork work, WorkflowStep step, InstanceRecord record, bool isNew, IReadOnlyList<BookmarkRecord> existing,
        string? consumedBookmarkId)
    {
        var now = step.Clock.GetUtcNow();
        var db = work.Workflows;
        var schedule = new List<(string, DateTimeOffset)>();
        var cancel = new List<string>();

        var cancelled = step.CancelReason is not null;
        if (cancelled)
        {
            foreach (var waiting in step.State.Waiting.ToArray()) FlowchartRunner.CancelWaiting(step, waiting, step.CancelReason!);
            step.State.Queue.Clear();
            step.NewBookmarks.Clear();
        }
        else if (step.Finished)
        {
            foreach (var waiting in step.State.Waiting.ToArray()) FlowchartRunner.CancelWaiting(step, waiting, "the workflow reached its end");
            step.State.Queue.Clear();
            step.NewBookmarks.Clear();
        }

        var released = existing.Where(b => step.ReleasedActivities.Contains(b.ActivityId) && b.Id != consumedBookmarkId).ToList();
        if (released.Count > 0)
        {
            var ids = released.Select(b => b.Id).ToArray();
            work.BeforeSave((connection, transaction, ct) => DeleteBookmarksAsync(connection, transaction, ids, false, ct));
            cancel.AddRange(released.Where(b => b.ResumeAt is not null).Select(b => b.Id));
        }
        if (consumedBookmarkId is not null)
            work.BeforeSave((connection, transaction, ct) => DeleteBookmarksAsync(connection, transaction, [consumedBookmarkId], true, ct));

        foreach (var (activityId, request) in step.NewBookmarks)
        {
            var payload = StimulusHash.PayloadJson(request.Payload);
            var bookmark = new BookmarkRecord
            {
                Id = Ids.New(), Name = request.Name, Hash = StimulusHash.Compute(request.Name, payload),
                InstanceId = record.Id, CorrelationId = record.CorrelationId, ActivityId = activityId, Payload = payload,
                ResumeAt = request.ResumeAt, Data = request.Data?.ToJsonString(), CreatedAt = now,
            };
            db.Bookmarks.Add(bookmark);
            if (bookmark.ResumeAt is { } at) schedule.Add((bookmark.Id, at));
        }

        step.SaveVariables();
        record.Status = (cancelled ? WorkflowStatus.Cancelled
            : step.Finished || step.State.IsIdle ? WorkflowStatus.Finished
            : step.State.Queue.Count > 0 ? WorkflowStatus.Running
            : WorkflowStatus.Suspended).ToString();
        var done = cancelled || step.Finished || step.State.IsIdle;
        record.State = WriteState(step.State);
        record.Faults += step.Faults;
        record.Message = step.CancelReason ?? record.Message;
        record.UpdatedAt = now;
        if (done) record.FinishedAt = now;
        if (isNew)
        {
            record.Revision = 1;
            db.Instances.Add(record);
        }
        else
        {
            var entry = db.Instances.Attach(record);
            entry.Property(r => r.Revision).OriginalValue = record.Revision;
            record.Revision++;
            foreach (var p in new[] { nameof(InstanceRecord.Status), nameof(InstanceRecord.State), nameof(InstanceRecord.Faults),
                         nameof(InstanceRecord.Message), nameof(InstanceRecord.UpdatedAt), nameof(InstanceRecord.FinishedAt), nameof(InstanceRecord.Revision) })
                entry.Property(p).IsModified = true;
        }

        foreach (var line in step.Journal)
        {
            db.Journal.Add(new JournalRecord
            {
                InstanceId = line.InstanceId, CorrelationId = line.CorrelationId, ActivityId = line.ActivityId,
                ActivityType = line.ActivityType, ActivityName = line.ActivityName, Event = line.Event,
                StartedAt = line.StartedAt, FinishedAt = line.FinishedAt, Message = line.Message, Data = line.Data?.ToJsonString(),
            });
        }
        step.Journal.Clear();
        return (schedule, cancel);
    }

    /// Deletes bookmarks inside the step's transaction; when consuming, the bookmark must still be there, so that
    /// of two racing resumes exactly one commits.
    private static async Task DeleteBookmarksAsync(DbConnection connection, DbTransaction transaction, string[] ids, bool mustExist, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = new List<string>();
        for (var i = 0; i < ids.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@b" + i;
            parameter.Value = ids[i];
            command.Parameters.Add(parameter);
            names.Add(parameter.ParameterName);
        }
        command.CommandText = $"DELETE FROM wf_bookmarks WHERE \"Id\" IN ({string.Join(", ", names)})";
        var deleted = await command.ExecuteNonQueryAsync(ct);
        if (mustExist && deleted == 0) throw new BookmarkGoneException(ids[0]);
    }
}

/// The bookmark was consumed (or cancelled) by someone else first.
public sealed class BookmarkGoneException(string bookmarkId) : Exception($"Bookmark '{bookmarkId}' no longer exists.")
{
    public string BookmarkId { get; } = bookmarkId;
}
