namespace Automation.Workflows.Expressions;

/// Evaluates any registered expression type and converts the result to the input's type; one instance serves all workflows.
public sealed class ExpressionEngine
{
    private readonly Dictionary<string, IExpressionEvaluator> _evaluators;

    public ExpressionEngine(IEnumerable<IExpressionEvaluator> evaluators)
    {
        _evaluators = new Dictionary<string, IExpressionEvaluator>(StringComparer.OrdinalIgnoreCase);
        // A later registration replaces an earlier one, so a host can swap an evaluator.
        foreach (var evaluator in evaluators) _evaluators[evaluator.Type] = evaluator;
        SupportedTypes = _evaluators.Values.Select(e => e.Type).ToArray();
    }

    /// Literal, Object, Json, Variable, Liquid and JavaScript, with the given JavaScript time limit (1 second by default).
    public static ExpressionEngine CreateDefault(TimeSpan? jsTimeout = null, TimeProvider? clock = null) => new(
    [
        new LiteralEvaluator(),
        new ObjectEvaluator(ExpressionTypes.Object),
        new ObjectEvaluator(ExpressionTypes.Json),
        new VariableEvaluator(),
        new LiquidEvaluator(clock),
        new JavaScriptEvaluator(jsTimeout is { } timeout ? JavaScriptLimits.Default with { Timeout = timeout } : null),
    ]);

    public IReadOnlyList<string> SupportedTypes { get; }

    public object? Evaluate(Expression expression, ExpressionModel model, Type targetType, string? inputName = null)
    {
        var evaluator = Find(expression.Type) ?? throw new ExpressionException(Unsupported(expression.Type, inputName));
        object? value;
        try
        {
            value = evaluator.Evaluate(expression, model);
        }
        catch (ExpressionException e) when (inputName is not null)
        {
            throw new ExpressionException($"input '{inputName}': {e.Message}", e);
        }
        catch (Exception e) when (e is not (ExpressionException or OperationCanceledException))
        {
            throw new ExpressionException($"{InInput(inputName)}{expression.Type}: {e.Message}", e);
        }
        return ValueConverter.Convert(value, targetType, inputName);
    }

    public T Evaluate<T>(Expression expression, ExpressionModel model, string? inputName = null) =>
        (T)Evaluate(expression, model, typeof(T), inputName)!;

    /// Checks an expression without running it: a message naming the problem, or null when it is fine.
    public string? Check(Expression expression) =>
        Find(expression.Type) is { } evaluator ? evaluator.Check(expression) : Unsupported(expression.Type, null);

    private IExpressionEvaluator? Find(string type) => _evaluators.GetValueOrDefault(type ?? "");

    private string Unsupported(string type, string? inputName) =>
        $"{InInput(inputName)}unsupported expression type '{type}'; supported: {string.Join(", ", SupportedTypes)}";

    private static string InInput(string? inputName) => inputName is null ? "" : $"input '{inputName}': ";
}
