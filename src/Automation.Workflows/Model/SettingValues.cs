using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Model;

/// Reads what a constant setting says before any run: the values of a literal list or id input.
public static class SettingValues
{
    /// The values a setting names: one value, a JSON array, or an array written as JSON text (how Studio stores check
    /// lists). Numbers are compared as their invariant text.
    public static IEnumerable<string> Named(JsonNode? value)
    {
        switch (value)
        {
            case JsonArray array:
                foreach (var item in array.SelectMany(Named)) yield return item;
                break;
            case JsonValue v when v.TryGetValue<string>(out var text):
                var trimmed = text.Trim();
                if (trimmed.StartsWith('[') && TryParse(trimmed) is JsonArray inner)
                    foreach (var item in Named(inner)) yield return item;
                else if (trimmed.Length > 0)
                    yield return trimmed;
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                yield return v.TryGetValue<long>(out var whole) ? whole.ToString(CultureInfo.InvariantCulture) : v.ToJsonString();
                break;
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
