using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// "Variable": a reference `{"id":…,"name":…}` (or a bare name) read from the model's workflow variables.
public sealed class VariableEvaluator : IExpressionEvaluator
{
    public string Type => ExpressionTypes.Variable;

    public object? Evaluate(Expression expression, ExpressionModel model)
    {
        var (id, name) = Reference(expression);
        if (name is not null && model.Variables.TryGetValue(name, out var byName)) return Value(byName);
        foreach (var key in new[] { id, name })
        {
            if (key is null || !model.VariableNames.TryGetValue(key, out var resolved)) continue;
            // A declared variable that has not been given a value yet reads as null.
            return model.Variables.TryGetValue(resolved, out var byId) ? Value(byId) : null;
        }
        if (id is not null && model.Variables.TryGetValue(id, out var keyedById)) return Value(keyedById);
        var known = model.Variables.Count == 0 ? "none" : string.Join(", ", model.Variables.Keys.Order(StringComparer.Ordinal));
        throw new ExpressionException($"Variable: unknown variable '{name ?? id}'{(id is not null && name is not null ? $" (id {id})" : "")}; known variables: {known}");
    }

    public string? Check(Expression expression)
    {
        try
        {
            Reference(expression);
            return null;
        }
        catch (ExpressionException e)
        {
            return e.Message;
        }
    }

    private static object? Value(object? value) => ModelValues.Unwrap(value);

    private static (string? Id, string? Name) Reference(Expression expression)
    {
        var node = expression.Value;
        var text = expression.Text?.Trim();
        if (node is JsonValue && text is { Length: > 0 } && text[0] == '{')
        {
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException e)
            {
                throw new ExpressionException($"Variable: the reference is not valid JSON: {e.Message}", e);
            }
        }
        if (node is JsonObject reference)
        {
            var id = NonEmpty(reference["id"] ?? reference["Id"]);
            var name = NonEmpty(reference["name"] ?? reference["Name"]);
            if (id is null && name is null) throw new ExpressionException("Variable: the reference has neither an id nor a name");
            return (id, name);
        }
        if (string.IsNullOrEmpty(text)) throw new ExpressionException("Variable: no variable is selected");
        return (null, text);
    }

    private static string? NonEmpty(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
