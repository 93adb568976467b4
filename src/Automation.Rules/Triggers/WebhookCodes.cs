using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;
using Automation.Workflows.Runtime;

namespace Automation.Rules.Triggers;

/// The codes the published Webhook triggers listen to, so a call with a code nobody listens to is refused up front.
public static class WebhookCodes
{
    /// The codes, or null when some published Webhook trigger accepts any code (empty or computed by an expression).
    public static async Task<IReadOnlySet<string>?> PublishedAsync(WorkflowDefinitions definitions, CancellationToken ct)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in await definitions.FindTriggersByNameAsync(TypeName, ct))
        {
            if (await definitions.GetPublishedAsync(record.DefinitionId, ct) is not { } workflow
                || workflow.Activity(record.ActivityId) is not WebhookTrigger trigger) continue;
            var literal = trigger.Code.Expression is { Type: ExpressionTypes.Literal or ExpressionTypes.Object, Value: JsonValue value }
                && value.TryGetValue<string>(out var text) ? text.Trim() : "";
            if (literal.Length == 0) return null;
            codes.Add(literal);
        }
        return codes;
    }

    private const string TypeName = "Automation.WebhookTrigger";
}
