using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Rules.Triggers;

/// The matching rules several triggers share.
public static class TriggerMatch
{
    /// An empty setting matches any value; otherwise the event's value must be the same text (trimmed, case-insensitive).
    public static bool EmptyOrEqual(string? setting, string? actual)
    {
        var wanted = setting?.Trim() ?? "";
        return wanted.Length == 0 || string.Equals(wanted, actual?.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    /// A field of a JSON object (name compared case-insensitively) as the plain value conditions compare.
    public static object? Field(JsonObject? fields, string name)
    {
        var node = fields?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return node is JsonValue value ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.GetValue<decimal>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : node?.ToJsonString();
    }
}
