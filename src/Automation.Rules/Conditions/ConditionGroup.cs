using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Automation.Rules.Conditions;

/// A rule's or trigger's condition as Bitrix24 states it: field conditions, each joined to the one before it by AND
/// or OR; AND binds tighter, so the group holds when any run of AND-joined conditions holds.
public sealed record ConditionGroup
{
    [JsonPropertyName("items")] public IReadOnlyList<FieldCondition> Items { get; init; } = [];

    public bool IsEmpty => Items.Count == 0;
}

/// One field condition: `field operator value`; Joiner joins it to the previous condition (ignored on the first).
public sealed record FieldCondition
{
    [JsonPropertyName("field")] public string Field { get; init; } = "";
    /// `=`, `!=`, `>`, `>=`, `<`, `<=`, `in`, `!in`, `contain`, `!contain`, `empty`, `!empty`.
    [JsonPropertyName("operator")] public string Operator { get; init; } = "=";
    [JsonPropertyName("value")] public JsonNode? Value { get; init; }
    [JsonPropertyName("joiner")] public string? Joiner { get; init; }

    public bool StartsNewGroup => string.Equals(Joiner, "OR", StringComparison.OrdinalIgnoreCase);
}

/// What one condition compared, for the run log.
public sealed record ComparedValue(string Field, string Operator, string? Expected, string? Actual, bool Result);

/// The verdict of a condition group with every comparison it made.
public sealed record ConditionVerdict(bool Passed, IReadOnlyList<ComparedValue> Compared)
{
    public static readonly ConditionVerdict NoCondition = new(true, []);

    public string Describe() => Compared.Count == 0
        ? "no condition"
        : string.Join("; ", Compared.Select(c => $"{c.Field} {c.Operator} {c.Expected ?? "(nothing)"}: actual {c.Actual ?? "(empty)"} → {(c.Result ? "true" : "false")}"));

    public JsonObject ToJson() => new()
    {
        ["passed"] = Passed,
        ["compared"] = new JsonArray(Compared.Select(c => (JsonNode)new JsonObject
        {
            ["field"] = c.Field,
            ["operator"] = c.Operator,
            ["expected"] = c.Expected,
            ["actual"] = c.Actual,
            ["result"] = c.Result,
        }).ToArray()),
    };
}
