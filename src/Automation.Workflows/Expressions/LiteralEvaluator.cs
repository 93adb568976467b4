using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// "Literal": the value as entered (string, bool or number); lists arrive as JSON-in-string and are split by conversion.
public sealed class LiteralEvaluator : IExpressionEvaluator
{
    public string Type => ExpressionTypes.Literal;

    public object? Evaluate(Expression expression, ExpressionModel model) => expression.Value switch
    {
        null => null,
        JsonValue value => ModelValues.FromJsonValue(value),
        var node => node.DeepClone(),
    };
}
