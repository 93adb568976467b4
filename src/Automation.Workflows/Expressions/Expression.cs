using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// An expression as Elsa stores it in an input: `{ "type": "Liquid", "value": "Order {{ Order.Number }}" }`.
public sealed record Expression(string Type, JsonNode? Value)
{
    public static Expression Literal(object? value) => new(ExpressionTypes.Literal, JsonValue.Create(value));

    /// The expression text (script, template or literal), as written in the file.
    public string? Text => Value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => Value.ToJsonString(),
    };
}

public static class ExpressionTypes
{
    public const string Literal = "Literal";
    public const string Object = "Object";
    public const string Json = "Json";
    public const string Variable = "Variable";
    public const string Liquid = "Liquid";
    public const string JavaScript = "JavaScript";
}

/// What an expression can read: named roots such as `Variables`, `Activities`, `Input`, `Workflow`, and those
/// contributed by the host (the order pipeline adds `Order`, `Client`, …). Values are plain CLR values,
/// dictionaries (string keys) and lists, or objects whose public properties are read by name.
public sealed class ExpressionModel
{
    private readonly Dictionary<string, object?> _roots = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, object?> Roots => _roots;

    /// Workflow variables by name.
    public IDictionary<string, object?> Variables { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// Maps variable ids (as used by Elsa's `Variable` expressions and output bindings) to variable names.
    public IDictionary<string, string> VariableNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public ExpressionModel()
    {
        _roots["Variables"] = Variables;
    }

    public object? this[string root]
    {
        get => _roots.GetValueOrDefault(root);
        set => _roots[root] = value;
    }
}

/// Evaluates one expression type.
public interface IExpressionEvaluator
{
    string Type { get; }

    /// Returns the raw result; conversion to the input's declared type is the engine's job.
    object? Evaluate(Expression expression, ExpressionModel model);

    /// Checks an expression without running it; returns a message naming the problem, or null when it is fine.
    string? Check(Expression expression) => null;
}

/// An expression that could not be evaluated or whose result could not be converted; the message names the problem.
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);
