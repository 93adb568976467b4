using System.Text.Json.Nodes;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Validation;

/// Checks the inputs and output bindings of one activity of a known type: shape, required values, expressions.
internal sealed class InputChecks(ExpressionEngine expressions, KnownReferences references, ValidationReport report)
{
    private const string WrappedShape = "{typeName, expression: {type, value}}";

    public void Check(ActivityType type, JsonObject activity, string activityPath, string? activityId)
    {
        foreach (var input in type.Inputs) CheckInput(input, activity, activityPath, activityId);
        foreach (var output in type.Outputs) CheckOutput(output.Name, activity, activityPath, activityId);
    }

    private void CheckInput(InputProperty input, JsonObject activity, string activityPath, string? id)
    {
        var key = KeyOf(activity, input.Name);
        var path = JsonPaths.Property(activityPath, key);
        var json = activity[key];
        var wrapped = input.Attribute.IsWrapped || json is JsonObject o && o.ContainsKey("expression");
        if (wrapped && !HasWrappedShape(json, input.Name, path, id)) return;

        var expression = CompiledWorkflow.ReadExpression(json, wrapped);
        if (IsEmpty(expression))
        {
            if (input.Attribute.Required)
                report.Add(path, json is null ? $"required input '{input.Name}' is missing" : $"required input '{input.Name}' is empty", id);
            return;
        }
        if (input.Attribute.OwnPlaceholders && expression!.Type == ExpressionTypes.Liquid && expression.Text is { } text
            && text.Contains("{{", StringComparison.Ordinal))
        {
            report.Add($"{(wrapped ? $"{path}.expression" : path)}.type",
                $"input '{input.Name}' has placeholders of its own ({text}) that Liquid would render to nothing before the activity " +
                "sees them; write it as a Literal expression", id);
            return;
        }
        if (CheckExpression(expression!, wrapped ? $"{path}.expression" : path, path, id)) CheckReferences(input, expression!, path, id);
    }

    /// A literal setting that names a status, employee, list, template, form or mailbox must name one that exists.
    private void CheckReferences(InputProperty input, Expression expression, string path, string? id)
    {
        if (input.Attribute.OptionsProvider is not { } provider || references.For(provider) is not { } known) return;
        // Only what is known before the run: literals, and Liquid text without tags (it renders to itself).
        var constant = expression.Type is ExpressionTypes.Literal or ExpressionTypes.Object or ExpressionTypes.Json
            || expression.Type == ExpressionTypes.Liquid && expression.Text is { } text && !text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal);
        if (!constant) return;
        foreach (var value in Model.SettingValues.Named(expression.Value).Distinct(StringComparer.Ordinal))
            if (!known.Contains(value))
                report.Add(path, $"input '{input.Name}' names {known.What} '{value}', which does not exist; {known.Listing()}", id);
    }

    /// A wrapped input is `null`/absent or `{typeName?, expression: {type?, value?} | null, memoryReference?}`.
    private bool HasWrappedShape(JsonNode? json, string inputName, string path, string? id)
    {
        if (json is null) return true;
        if (json is not JsonObject wrapper || !wrapper.ContainsKey("expression"))
        {
            report.Add(path, $"input '{inputName}' must be a wrapped value {WrappedShape}, found {Describe(json)}", id);
            return false;
        }
        var ok = true;
        if (wrapper["typeName"] is { } typeName && !JsonPaths.IsString(typeName))
            ok = Wrong($"{path}.typeName", $"'typeName' must be a string, found {JsonPaths.Kind(typeName)}", id);
        if (wrapper["memoryReference"] is { } reference && reference is not JsonObject)
            ok = Wrong($"{path}.memoryReference", $"'memoryReference' must be an object {{id}} or null, found {JsonPaths.Kind(reference)}", id);
        switch (wrapper["expression"])
        {
            case null:
                break;
            case JsonObject expression when expression["type"] is { } type && !JsonPaths.IsString(type):
                ok = Wrong($"{path}.expression.type", $"the expression type must be a string, found {JsonPaths.Kind(type)}", id);
                break;
            case JsonObject:
                break;
            case var other:
                ok = Wrong($"{path}.expression", $"'expression' must be an object {{type, value}}, found {JsonPaths.Kind(other)}", id);
                break;
        }
        return ok;
    }

    /// Whether the expression is one this server can evaluate; reports why when it is not.
    private bool CheckExpression(Expression expression, string expressionPath, string inputPath, string? id)
    {
        var supported = expressions.SupportedTypes;
        if (!supported.Contains(expression.Type, StringComparer.OrdinalIgnoreCase))
        {
            report.Add($"{expressionPath}.type",
                $"expression type '{expression.Type}' is not supported; supported types: {string.Join(", ", supported)}", id);
            return false;
        }
        string? problem;
        try
        {
            problem = expressions.Check(expression);
        }
        catch (Exception e)
        {
            // The checker belongs to another component; whatever it throws is still a fault of this expression.
            problem = e.Message;
        }
        if (problem is not null) report.Add(inputPath, $"bad {expression.Type} expression: {problem}", id);
        return problem is null;
    }

    /// An output is absent, `null`, or bound to a variable: `{typeName, memoryReference: {id}}`.
    private void CheckOutput(string outputName, JsonObject activity, string activityPath, string? id)
    {
        var key = KeyOf(activity, outputName);
        var path = JsonPaths.Property(activityPath, key);
        switch (activity[key])
        {
            case null:
                return;
            case JsonObject binding:
                if (binding["memoryReference"] is { } reference
                    && (reference is not JsonObject r || r["id"] is { } refId && !JsonPaths.IsString(refId)))
                    report.Add($"{path}.memoryReference", $"output '{outputName}' must bind to a variable as {{id: \"<variable id>\"}}, found {Describe(reference)}", id);
                return;
            case var other:
                report.Add(path, $"output '{outputName}' must be {{typeName, memoryReference: {{id}}}} or null, found {Describe(other)}", id);
                return;
        }
    }

    private bool Wrong(string path, string message, string? id)
    {
        report.Add(path, message, id);
        return false;
    }

    /// An input that gives no value: absent, or an expression whose value is null or blank text.
    private static bool IsEmpty(Expression? expression) =>
        expression is null || expression.Value is null || expression.Value is JsonValue v && v.TryGetValue<string>(out var s) && string.IsNullOrWhiteSpace(s);

    /// The property an input is stored under: camelCase as Studio writes it, or PascalCase as some older files do.
    private static string KeyOf(JsonObject activity, string name)
    {
        var camel = name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
        return activity.ContainsKey(camel) || !activity.ContainsKey(name) ? camel : name;
    }

    private static string Describe(JsonNode? node) => JsonPaths.Text(node) is { } s ? $"the string \"{Shorten(s)}\"" : JsonPaths.Kind(node);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
