using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Automation.Workflows.Validation;

/// Checks `customProperties.orderStatus`, the order status a workflow file stands for (DESIGN.md §3).
internal static partial class OrderStatusChecks
{
    public const string Path = "$.customProperties.orderStatus";
    public static readonly IReadOnlyList<string> Semantics = ["process", "success", "failure"];

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    public static void Check(JsonObject document, ValidationReport report)
    {
        switch (document["customProperties"])
        {
            case null:
                return;
            case JsonObject properties when properties["orderStatus"] is { } status:
                CheckStatus(status, report);
                return;
            case JsonObject:
                return;
            case var other:
                report.Add("$.customProperties", $"'customProperties' must be an object, found {JsonPaths.Kind(other)}");
                return;
        }
    }

    /// The status code of a definition, when it has a well-formed one.
    public static string? CodeOf(JsonObject document) =>
        document["customProperties"] is JsonObject properties && properties["orderStatus"] is JsonObject status
            ? JsonPaths.Text(status["code"]) : null;

    private static void CheckStatus(JsonNode node, ValidationReport report)
    {
        if (node is not JsonObject status)
        {
            report.Add(Path, $"'orderStatus' must be an object {{code, name, sort, semantics}}, found {JsonPaths.Kind(node)}");
            return;
        }
        var code = JsonPaths.Text(status["code"]);
        if (string.IsNullOrWhiteSpace(code))
            report.Add($"{Path}.code", "the order status has no 'code'");
        else if (!CodePattern().IsMatch(code))
            report.Add($"{Path}.code", $"status code '{code}' may hold only lower-case letters, digits, '_' and '-', and must start with a letter or digit");

        if (string.IsNullOrWhiteSpace(JsonPaths.Text(status["name"])))
            report.Add($"{Path}.name", "the order status has no 'name'");

        if (status["sort"] is { } sort && !JsonPaths.IsNumber(sort))
            report.Add($"{Path}.sort", $"'sort' must be a number, found {JsonPaths.Kind(sort)}");

        if (status.TryGetPropertyValue("semantics", out var semantics) && !Semantics.Contains(JsonPaths.Text(semantics) ?? ""))
            report.Add($"{Path}.semantics",
                $"'semantics' must be one of {string.Join(", ", Semantics)}, found {Describe(semantics)}");
    }

    private static string Describe(JsonNode? node) => JsonPaths.Text(node) is { } s ? $"'{s}'" : JsonPaths.Kind(node);
}
