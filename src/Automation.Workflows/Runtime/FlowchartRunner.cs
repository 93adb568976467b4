using System.Diagnostics;
using System.Text.Json.Nodes;
using Automation.Workflows.Activities;
using Automation.Workflows.Builtins;
using Automation.Workflows.Model;
using Activity = Automation.Workflows.Activities.Activity;

namespace Automation.Workflows.Runtime;

/// Runs a flowchart step: executes scheduled activities, follows the connections of the ports they complete with,
/// resolves joins, and stops when everything left is waiting. Branches started side by side interleave: when one
/// waits, the others go on.
internal static class FlowchartRunner
{
    /// Schedules where a new run begins: the trigger that started it, else the flowchart's start (Elsa's order).
    public static void ScheduleStart(WorkflowStep step)
    {
        if ((step.State.TriggerActivityId ?? step.Workflow.StartActivityId) is { } start) step.State.Queue.Add(start);
    }

    public static async ValueTask ResumeAsync(WorkflowStep step, Bookmark bookmark, JsonNode? input)
    {
        var activity = step.Workflow.Activity(bookmark.ActivityId);
        step.ReleasedActivities.Add(activity.Id);
        step.State.Waiting.Remove(activity.Id);
        await RunActivityAsync(step, activity, bookmark, input, resume: true);
        await RunQueueAsync(step);
    }

    public static async ValueTask RunQueueAsync(WorkflowStep step)
    {
        while (step.State.Queue.Count > 0 && step.CancelReason is null && !step.Finished)
        {
            step.CancellationToken.ThrowIfCancellationRequested();
            var next = step.State.Queue[0];
            step.State.Queue.RemoveAt(0);
            await RunActivityAsync(step, step.Workflow.Activity(next), null, null, resume: false);
        }
    }

    private static async ValueTask RunActivityAsync(WorkflowStep step, Activity activity, Bookmark? bookmark, JsonNode? input, bool resume)
    {
        var context = new ActivityContext(step, activity, bookmark, input);
        var startedAt = step.Clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        try
        {
            if (resume) await activity.ResumeAsync(context);
            else await activity.ExecuteAsync(context);
        }
        catch (Exception e) when (e is not OperationCanceledException || !step.CancellationToken.IsCancellationRequested)
        {
            step.Faults++;
            Journal(step, activity, JournalEvents.Faulted, startedAt, watch, context.JournalData, Describe(e));
            SkipOutbound(step, activity.Id, new HashSet<string>());
            return;
        }

        if (context.Bookmarks.Count > 0 || context.KeepsWaiting)
        {
            foreach (var request in context.Bookmarks) step.NewBookmarks.Add((activity.Id, request));
            if (context.KeepsWaiting) step.ReleasedActivities.Remove(activity.Id);
            step.State.Waiting.Add(activity.Id);
            Journal(step, activity, JournalEvents.Suspended, startedAt, watch, context.JournalData, null);
            return;
        }

        Journal(step, activity, JournalEvents.Completed, startedAt, watch, context.JournalData, null);
        step.State.ActivityState.Remove(activity.Id);
        if (activity.Node.Type == End.TypeName)
        {
            step.Finished = true;
            return;
        }
        var outcomes = context.Outcomes;
        foreach (var connection in step.Workflow.Flowchart.Outbound(activity.Id))
            Visit(step, connection, outcomes.Contains(connection.Source.Port), new HashSet<string>());
    }

    /// Records that a connection was reached, followed or not, and schedules or skips its target accordingly.
    private static void Visit(WorkflowStep step, Connection connection, bool followed, HashSet<string> skipped)
    {
        var targetId = connection.Target.Activity;
        var flowchart = step.Workflow.Flowchart;
        if (flowchart.Find(targetId) is null) return;
        var inbound = flowchart.Inbound(targetId);
        var join = step.Workflow.Activity(targetId) as FlowJoin;
        if (inbound.Count <= 1 && join is null)
        {
            if (followed) step.State.Queue.Add(targetId);
            else SkipOutbound(step, targetId, skipped);
            return;
        }

        if (!step.State.Joins.TryGetValue(targetId, out var state)) step.State.Joins[targetId] = state = new JoinState();
        if (!state.Visited.Contains(connection.Index)) state.Visited.Add(connection.Index);
        if (followed && !state.Followed.Contains(connection.Index)) state.Followed.Add(connection.Index);
        var allVisited = inbound.All(c => state.Visited.Contains(c.Index));
        var mode = join is null ? JoinMode.WaitAllActive : join.ModeOf(step);

        if (mode == JoinMode.WaitAny)
        {
            if (followed && !state.Fired)
            {
                state.Fired = true;
                step.State.Queue.Add(targetId);
                CancelBranchesInto(step, targetId);
            }
            if (allVisited)
            {
                var fired = state.Fired;
                step.State.Joins.Remove(targetId);
                if (!fired) SkipOutbound(step, targetId, skipped);
            }
            return;
        }

        if (!allVisited) return;
        step.State.Joins.Remove(targetId);
        var run = mode == JoinMode.WaitAll
            ? inbound.All(c => state.Followed.Contains(c.Index))
            : state.Followed.Count > 0;
        if (run) step.State.Queue.Add(targetId);
        else SkipOutbound(step, targetId, skipped);
    }

    /// A skipped activity passes "visited, not followed" down its outbound connections so joins below it resolve.
    private static void SkipOutbound(WorkflowStep step, string activityId, HashSet<string> skipped)
    {
        if (!skipped.Add(activityId)) return;
        foreach (var connection in step.Workflow.Flowchart.Outbound(activityId))
            Visit(step, connection, followed: false, skipped);
    }

    /// Wait-any: the first branch in wins; the activities still waiting upstream of the join are cancelled.
    private static void CancelBranchesInto(WorkflowStep step, string joinId)
    {
        var flowchart = step.Workflow.Flowchart;
        var upstream = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(joinId);
        while (pending.Count > 0)
            foreach (var c in flowchart.Inbound(pending.Pop()))
                if (upstream.Add(c.Source.Activity)) pending.Push(c.Source.Activity);
        foreach (var waiting in step.State.Waiting.Where(upstream.Contains).ToArray())
            CancelWaiting(step, waiting, "another branch reached the join first");
        step.State.Queue.RemoveAll(id => upstream.Contains(id));
    }

    public static void CancelWaiting(WorkflowStep step, string activityId, string reason)
    {
        step.State.Waiting.Remove(activityId);
        step.State.ActivityState.Remove(activityId);
        step.ReleasedActivities.Add(activityId);
        var activity = step.Workflow.Activity(activityId);
        var now = step.Clock.GetUtcNow();
        step.Journal.Add(new JournalEntry(step.Instance.Id, step.Instance.CorrelationId, activityId, activity.Node.Type,
            activity.Node.Name, JournalEvents.Cancelled, now, now, reason, null));
    }

    private static void Journal(WorkflowStep step, Activity activity, string @event, DateTimeOffset startedAt, Stopwatch watch, JsonObject data, string? message)
    {
        step.Journal.Add(new JournalEntry(step.Instance.Id, step.Instance.CorrelationId, activity.Id, activity.Node.Type,
            activity.Node.Name, @event, startedAt, startedAt + watch.Elapsed, message, data.Count == 0 ? null : data));
    }

    private static string Describe(Exception e) => e switch
    {
        Expressions.ExpressionException => e.Message,
        AggregateException { InnerException: { } inner } => Describe(inner),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
