using System.Text.Json.Nodes;

namespace Automation.Workflows.Validation;

/// Builds JSON paths for messages and reads JSON values without throwing on the wrong kind of node.
internal static class JsonPaths
{
    /// `$.a` + `b` → `$.a.b`; names that are not plain identifiers are bracketed: `$.a['x:y']`.
    public static string Property(string path, string name) =>
        name.Length > 0 && (char.IsLetter(name[0]) || name[0] == '_') && name.All(c => char.IsLetterOrDigit(c) || c == '_')
            ? $"{path}.{name}"
            : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string path, int index) => $"{path}[{index}]";

    public static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool IsString(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out _);

    public static bool IsNumber(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number;

    /// What kind of JSON a node is, in words, for "expected X, found Y" messages.
    public static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => "a string",
            System.Text.Json.JsonValueKind.Number => "a number",
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "a boolean",
            _ => "a value",
        },
        _ => "a value",
    };
}
