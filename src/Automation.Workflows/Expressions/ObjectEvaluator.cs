using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// "Object" (and its older name "Json"): JSON text, evaluated to a JsonNode.
public sealed class ObjectEvaluator(string type = ExpressionTypes.Object) : IExpressionEvaluator
{
    public string Type { get; } = type;

    public object? Evaluate(Expression expression, ExpressionModel model) => Parse(expression);

    public string? Check(Expression expression)
    {
        try
        {
            Parse(expression);
            return null;
        }
        catch (ExpressionException e)
        {
            return e.Message;
        }
    }

    private JsonNode? Parse(Expression expression)
    {
        // Studio stores the JSON as text; a hand-written file may hold the object itself.
        if (expression.Value is JsonObject or JsonArray) return expression.Value.DeepClone();
        var text = expression.Text;
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new ExpressionException($"{Type}: invalid JSON: {e.Message}", e);
        }
    }
}
