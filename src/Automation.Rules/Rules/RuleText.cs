using System.Net;
using System.Text.Json.Nodes;
using Automation.Rules.Expressions;
using Automation.Workflows.Expressions;

namespace Automation.Rules.Rules;

/// Texts a rule fills in at run time (document templates, list values, field values), in the same Liquid dialect as
/// its inputs, against the step's expression model with a fresh `Order` (an earlier rule of the step may have changed it).
internal static class RuleText
{
    // One evaluator for all rules: it caches compiled templates. Date filters read the real clock.
    private static readonly LiquidEvaluator Liquid = new();

    public static async Task<string> RenderAsync(RuleContext rule, string text, bool html)
    {
        if (!text.Contains("{{", StringComparison.Ordinal)) return text;
        var model = rule.Activity.Expressions;
        var order = await OrderExpressionModel.DescribeAsync(rule.Db, rule.Order, ExpressionReferences.Everything, rule.CancellationToken);
        model["Order"] = html ? Escaped(order) : order;
        try
        {
            return Liquid.Evaluate(new Expression(ExpressionTypes.Liquid, JsonValue.Create(text)), model)?.ToString() ?? "";
        }
        finally
        {
            model["Order"] = order;
        }
    }

    /// The order's values HTML-encoded, so a client named `<script>` cannot write into a document.
    private static object? Escaped(object? value) => value switch
    {
        string s => WebUtility.HtmlEncode(s),
        IDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Escaped(kv.Value), StringComparer.Ordinal),
        _ => value,
    };
}
