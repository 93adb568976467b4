using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// Reads expression model values uniformly, whatever their shape: dictionaries, JSON nodes or CLR objects.
internal static class ModelValues
{
    /// Turns a JSON node into plain CLR values: string, bool, long, decimal, double, dictionaries and lists.
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(FromJson).ToList(),
        JsonValue value => FromJsonValue(value),
        _ => node.ToJsonString(),
    };

    /// Unwraps a JSON value to its CLR primitive; other values are returned unchanged.
    public static object? Unwrap(object? value) => value is JsonValue json ? FromJsonValue(json) : value;

    public static object? FromJsonValue(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element)) return FromElement(element);
        var raw = value.GetValue<object>();
        return raw is JsonElement boxed ? FromElement(boxed) : raw;
    }

    public static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when element.TryGetInt64(out var l) => l,
        JsonValueKind.Number when element.TryGetDecimal(out var d) => d,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => FromJson(JsonNode.Parse(element.GetRawText())),
    };

    /// Looks a member up by name: a dictionary key, a JSON property or a public property of a CLR object.
    public static bool TryGetMember(object? target, string name, out object? value)
    {
        value = null;
        switch (target)
        {
            case null:
                return false;
            case JsonObject json:
                if (!json.TryGetPropertyValue(name, out var node)) return false;
                value = node;
                return true;
            case IDictionary<string, object?> dictionary:
                return dictionary.TryGetValue(name, out value);
            case IReadOnlyDictionary<string, object?> readOnly:
                return readOnly.TryGetValue(name, out value);
            case IDictionary legacy:
                if (!legacy.Contains(name)) return false;
                value = legacy[name];
                return true;
            case string or IEnumerable:
                return false;
        }
        var property = target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (property is null || property.GetIndexParameters().Length > 0) return false;
        value = property.GetValue(target);
        return true;
    }
}
