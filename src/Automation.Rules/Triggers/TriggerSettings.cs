using Automation.Workflows.Activities;
using Automation.Workflows.Expressions;

namespace Automation.Rules.Triggers;

/// Reads a trigger's inputs outside a workflow run, with the order as the expression model.
public sealed class TriggerSettings(ExpressionEngine expressions, ExpressionModel model)
{
    public T Get<T>(Input<T> input) =>
        input.Expression is null ? (T)input.DefaultObject! : (T)expressions.Evaluate(input.Expression, model, input.ValueType, input.Name)!;
}
