using System.Collections.Concurrent;
using System.Reflection;
using Automation.Workflows.Activities;
using Automation.Workflows.Expressions;

namespace Automation.Rules.Triggers;

/// Reads a trigger's inputs outside a workflow run, with the order as the expression model.
public sealed class TriggerSettings(ExpressionEngine expressions, ExpressionModel model)
{
    public T Get<T>(Input<T> input) =>
        input.Expression is null ? (T)input.DefaultObject! : (T)expressions.Evaluate(input.Expression, model, input.ValueType, input.Name)!;

    /// Whether any of the trigger's settings is an expression that may read the model (not a plain value).
    public static bool NeedsModel(Activity trigger) => InputsOf(trigger.GetType())
        .Any(p => p.GetValue(trigger) is Input { Expression.Type: not (ExpressionTypes.Literal or ExpressionTypes.Object or ExpressionTypes.Json) });

    private static PropertyInfo[] InputsOf(Type type) => InputProperties.GetOrAdd(type, t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => typeof(Input).IsAssignableFrom(p.PropertyType)).ToArray());

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> InputProperties = new();
}
