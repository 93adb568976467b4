using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Automation.Workflows.Activities;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;

namespace Automation.Workflows.Runtime;

/// A published definition version made ready to run: its flowchart plus one bound activity object per node.
/// Built once per version and shared by every instance of it.
public sealed class CompiledWorkflow
{
    private readonly FrozenDictionary<string, Activity> _activities;

    private CompiledWorkflow(WorkflowDefinition definition, Flowchart flowchart, Dictionary<string, Activity> activities,
        IReadOnlyList<VariableDefinition> variables, ExpressionReferences references)
    {
        Definition = definition;
        References = references;
        Flowchart = flowchart;
        _activities = activities.ToFrozenDictionary(StringComparer.Ordinal);
        Variables = variables;
        StartActivityId = FindStart(flowchart, activities);
    }

    public WorkflowDefinition Definition { get; }
    public Flowchart Flowchart { get; }
    public IReadOnlyList<VariableDefinition> Variables { get; }
    public string? StartActivityId { get; }

    /// What the expressions of this workflow's inputs may read from the model (see <see cref="ExpressionReferences"/>).
    public ExpressionReferences References { get; }

    public Activity Activity(string activityId) =>
        _activities.GetValueOrDefault(activityId) ?? throw new InvalidOperationException($"No activity '{activityId}' in {Definition.DefinitionId} v{Definition.Version}.");

    public IEnumerable<Activity> Activities => _activities.Values;

    /// Compiles a definition; throws <see cref="WorkflowCompileException"/> naming the first activity that can't be bound.
    public static CompiledWorkflow Compile(WorkflowDefinition definition, ActivityRegistry registry)
    {
        var root = definition.Root ?? throw new WorkflowCompileException(definition.DefinitionId, "$.root", "the workflow has no root activity");
        var flowchart = Flowchart.Read(root);
        var activities = new Dictionary<string, Activity>(StringComparer.Ordinal);
        var expressions = new List<Expression?>();
        foreach (var node in flowchart.Activities)
        {
            var type = registry.Find(node.Type, node.Version)
                ?? throw new WorkflowCompileException(definition.DefinitionId, node.JsonPath, $"unknown activity type {node.Type} v{node.Version} (activity '{node.Id}')");
            activities[node.Id] = Bind(type, node, expressions);
        }
        var variables = VariableDefinition.ReadAll(definition.Variables)
            .Concat(VariableDefinition.ReadAll(root["variables"] as JsonArray)).ToArray();
        return new CompiledWorkflow(definition, flowchart, activities, variables, ExpressionReferences.Of(expressions));
    }

    private static Activity Bind(ActivityType type, ActivityNode node, List<Expression?> expressions)
    {
        var activity = type.Create();
        activity.Node = node;
        foreach (var input in type.Inputs)
        {
            var bound = input.Get(activity);
            bound.Name = input.Name;
            bound.Expression = ReadExpression(node.Input(input.Name), input.Attribute.IsWrapped);
            expressions.Add(bound.Expression);
        }
        foreach (var output in type.Outputs)
        {
            var bound = output.Get(activity);
            bound.Name = output.Name;
            bound.VariableId = node.Input(output.Name)?["memoryReference"]?["id"]?.GetValue<string>();
        }
        return activity;
    }

    /// A wrapped input `{typeName, expression:{type, value}}`, or a raw value taken as a literal.
    internal static Expression? ReadExpression(JsonNode? json, bool wrapped)
    {
        if (json is null) return null;
        if (json is JsonObject wrapper && (wrapped || wrapper.ContainsKey("expression")))
        {
            if (wrapper["expression"] is not JsonObject expression) return null;
            var type = expression["type"]?.GetValue<string>() ?? ExpressionTypes.Literal;
            var value = expression["value"];
            return new Expression(type, value?.DeepClone());
        }
        return new Expression(ExpressionTypes.Literal, json.DeepClone());
    }

    /// Elsa's start rules: the first `Elsa.Start`, else the first activity that may start the workflow, else the
    /// first with no inbound connection that is not a trigger standing alone.
    private static string? FindStart(Flowchart flowchart, Dictionary<string, Activity> activities)
    {
        var start = flowchart.Activities.FirstOrDefault(a => a.Type == "Elsa.Start")
            ?? flowchart.Activities.FirstOrDefault(a => a.CustomFlag("canStartWorkflow"))
            ?? flowchart.Activities.FirstOrDefault(a => flowchart.Inbound(a.Id).Count == 0 && !IsTrigger(activities[a.Id]))
            ?? flowchart.Activities.FirstOrDefault();
        return start?.Id;
    }

    private static bool IsTrigger(Activity activity) =>
        activity.GetType().GetCustomAttributes(typeof(ActivityAttribute), false) is [ActivityAttribute { Kind: ActivityKind.Trigger }];
}

/// A workflow variable as the definition declares it.
public sealed record VariableDefinition(string Id, string Name, string TypeName, string? Value)
{
    internal static IEnumerable<VariableDefinition> ReadAll(JsonArray? array)
    {
        foreach (var item in array ?? [])
        {
            if (item is not JsonObject json) continue;
            var name = json["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name)) continue;
            yield return new VariableDefinition(json["id"]?.GetValue<string>() ?? name, name,
                json["typeName"]?.GetValue<string>() ?? "Object", json["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : json["value"]?.ToJsonString());
        }
    }
}

/// A definition that cannot be made runnable; names the definition, the JSON path and the problem.
public sealed class WorkflowCompileException(string definitionId, string jsonPath, string problem)
    : Exception($"{definitionId}: {jsonPath}: {problem}")
{
    public string DefinitionId { get; } = definitionId;
    public string JsonPath { get; } = jsonPath;
    public string Problem { get; } = problem;
}
