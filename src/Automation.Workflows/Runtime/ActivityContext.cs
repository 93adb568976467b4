using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Workflows.Activities;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;

namespace Automation.Workflows.Runtime;

/// What an activity sees while it runs: its inputs evaluated, its outputs, variables, bookmarks, the step's
/// database work, and the journal entry of this execution.
public sealed class ActivityContext
{
    private readonly WorkflowStep _step;
    private List<string>? _outcomes;

    internal ActivityContext(WorkflowStep step, Activity activity, Bookmark? resumed, JsonNode? resumeInput)
    {
        _step = step;
        Activity = activity;
        ResumedBookmark = resumed;
        ResumeInput = resumeInput;
    }

    public Activity Activity { get; }
    public string ActivityId => Activity.Id;
    public WorkflowInstanceInfo Instance => _step.Instance;
    public IServiceProvider Services => _step.Services;
    public TimeProvider Clock => _step.Clock;
    public CancellationToken CancellationToken => _step.CancellationToken;

    /// The database work of this step: everything written through it commits together with the instance.
    public StepUnitOfWork Work => _step.Work;

    /// The bookmark being resumed, when this is a resume.
    public Bookmark? ResumedBookmark { get; }

    /// The stimulus input of a resume (e.g. the event's data).
    public JsonNode? ResumeInput { get; }

    public ExpressionModel Expressions => _step.Model;

    /// Data recorded in this execution's journal entry (inputs as evaluated, outputs, and anything added here).
    public JsonObject JournalData { get; } = new();

    internal IReadOnlyList<string> Outcomes => _outcomes ?? (IReadOnlyList<string>)["Done"];
    internal List<BookmarkRequest> Bookmarks { get; } = [];
    internal bool KeepsWaiting { get; private set; }

    public T Get<T>(Input<T> input) => (T)GetValue(input)!;

    public object? GetValue(Input input)
    {
        if (input.Expression is null) return input.DefaultObject;
        var value = _step.Expressions.Evaluate(input.Expression, _step.Model, input.ValueType, input.Name);
        if (input.Expression.Type != ExpressionTypes.Literal) Record("inputs", input.Name, value);
        return value;
    }

    public void Set<T>(Output<T> output, T value) => SetOutput(output.Name, value, output.VariableId);

    public void SetOutput(string name, object? value, string? variableId = null)
    {
        var node = ToNode(value);
        _step.SetOutput(Activity, name, node);
        if (variableId is not null && _step.Model.VariableNames.TryGetValue(variableId, out var variable))
            SetVariable(variable, value);
        Record("outputs", name, node?.DeepClone());
    }

    public object? GetVariable(string name) => _step.Model.Variables.TryGetValue(name, out var v) ? v : null;

    public void SetVariable(string name, object? value) => _step.Model.Variables[name] = ToNode(value);

    /// Completes with the given outcomes (ports). Without a call the activity completes with `Done`.
    /// Whether this activity is the trigger that started the run (Elsa's `IsTriggerOfWorkflow`): such a trigger
    /// completes at once instead of waiting for its event.
    public bool IsTriggerOfWorkflow => _step.State.TriggerActivityId == ActivityId;

    public void Complete(params string[] outcomes) => _outcomes = outcomes.Length == 0 ? ["Done"] : [.. outcomes];

    /// Suspends this activity until a matching stimulus (or, for a timer, the moment) resumes it.
    public void CreateBookmark(BookmarkRequest request) => Bookmarks.Add(request);

    /// Called from ResumeAsync to keep the activity waiting on its other bookmarks instead of completing.
    public void KeepWaiting() => KeepsWaiting = true;

    /// State this activity keeps in this instance across execute and resume.
    public JsonObject State => _step.ActivityStateOf(ActivityId);

    public void Journal(string key, JsonNode? value) => JournalData[key] = value;

    /// Cancels this instance when this activity ends (e.g. a rule that moved the order elsewhere).
    public void CancelInstance(string reason) => _step.RequestCancel(reason);

    public IReadOnlyList<string> DeclaredOutcomes => _step.OutcomesOf(Activity);

    private void Record(string section, string name, object? value)
    {
        if (JournalData[section] is not JsonObject bag) JournalData[section] = bag = new JsonObject();
        bag[name] = ToNode(value);
    }

    internal static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode n => n.Parent is null ? n : n.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()),
    };
}

/// Identity of the running instance.
public sealed record WorkflowInstanceInfo(string Id, string DefinitionId, string DefinitionVersionId, int Version, string? CorrelationId);
