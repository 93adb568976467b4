using System.Text.Json.Nodes;
using Automation.Workflows.Activities;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;

namespace Automation.Workflows.Runtime;

/// One step of one instance: from a stimulus (start, resume, recovery) until nothing more can run. Collects what
/// the step changes so that it all commits in one transaction.
internal sealed class WorkflowStep
{
    public WorkflowStep(CompiledWorkflow workflow, WorkflowInstanceInfo instance, InstanceState state,
        StepUnitOfWork work, ExpressionEngine expressions, IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        Workflow = workflow;
        Instance = instance;
        State = state;
        Work = work;
        Expressions = expressions;
        Services = services;
        Clock = clock;
        CancellationToken = ct;
        Model = BuildModel();
    }

    public CompiledWorkflow Workflow { get; }
    public WorkflowInstanceInfo Instance { get; }
    public InstanceState State { get; }
    public StepUnitOfWork Work { get; }
    public ExpressionEngine Expressions { get; }
    public IServiceProvider Services { get; }
    public TimeProvider Clock { get; }
    public CancellationToken CancellationToken { get; }
    public ExpressionModel Model { get; }

    public List<(string ActivityId, BookmarkRequest Request)> NewBookmarks { get; } = [];
    /// The instance's stored bookmarks as loaded at the start of the step.
    public IReadOnlyList<Persistence.BookmarkRecord> Bookmarks { get; set; } = [];
    /// Activities whose stored bookmarks must go (they were resumed, or cancelled).
    public HashSet<string> ReleasedActivities { get; } = new(StringComparer.Ordinal);
    public List<JournalEntry> Journal { get; } = [];
    public string? CancelReason { get; private set; }
    public bool Finished { get; set; }
    public int Faults { get; set; }

    public void RequestCancel(string reason) => CancelReason ??= reason;

    public void SetOutput(Activity activity, string name, JsonNode? value)
    {
        if (!State.Outputs.TryGetValue(activity.Id, out var outputs)) State.Outputs[activity.Id] = outputs = new JsonObject();
        outputs[name] = value;
        var byActivity = (Dictionary<string, object?>)Model["Activities"]!;
        byActivity[activity.Id] = outputs;
        if (activity.Node.Name is { Length: > 0 } nodeName) byActivity[nodeName] = outputs;
    }

    public JsonObject ActivityStateOf(string activityId)
    {
        if (!State.ActivityState.TryGetValue(activityId, out var state)) State.ActivityState[activityId] = state = new JsonObject();
        return state;
    }

    public IReadOnlyList<string> OutcomesOf(Activity activity) =>
        Workflow.Flowchart.Outbound(activity.Id).Select(c => c.Source.Port).Distinct().ToArray();

    /// Writes the live variables back into the durable state.
    public void SaveVariables()
    {
        foreach (var (name, value) in Model.Variables) State.Variables[name] = ActivityContext.ToNode(value);
    }

    private ExpressionModel BuildModel()
    {
        var model = new ExpressionModel();
        foreach (var variable in Workflow.Variables)
        {
            model.VariableNames[variable.Id] = variable.Name;
            model.Variables[variable.Name] = State.Variables.TryGetValue(variable.Name, out var stored)
                ? stored?.DeepClone()
                : variable.Value is null ? null : JsonValue.Create(variable.Value);
        }
        foreach (var (name, value) in State.Variables)
            if (!model.Variables.ContainsKey(name)) model.Variables[name] = value?.DeepClone();
        var activities = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (activityId, outputs) in State.Outputs)
        {
            activities[activityId] = outputs;
            if (Workflow.Flowchart.Find(activityId)?.Name is { Length: > 0 } name) activities[name] = outputs;
        }
        model["Activities"] = activities;
        model["Input"] = State.Input;
        model["Workflow"] = new Dictionary<string, object?>
        {
            ["InstanceId"] = Instance.Id,
            ["DefinitionId"] = Instance.DefinitionId,
            ["Version"] = Instance.Version,
            ["CorrelationId"] = Instance.CorrelationId,
        };
        return model;
    }
}

/// One line of an instance's execution journal: an activity ran, waited, resumed, faulted, was skipped or cancelled.
public sealed record JournalEntry(
    string InstanceId, string? CorrelationId, string ActivityId, string ActivityType, string? ActivityName,
    string Event, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Message, JsonObject? Data);

public static class JournalEvents
{
    public const string Completed = "Completed";
    public const string Suspended = "Suspended";
    public const string Faulted = "Faulted";
    public const string Skipped = "Skipped";
    public const string Cancelled = "Cancelled";
    public const string InstanceCancelled = "InstanceCancelled";
}
