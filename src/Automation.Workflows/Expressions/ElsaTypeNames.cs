using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// The type names Elsa shows and stores (`String`, `Int32`, `DateTimeOffset`, `String[]` …), for messages.
public static class ElsaTypeNames
{
    private static readonly Dictionary<Type, string> Aliases = new()
    {
        [typeof(object)] = "Object",
        [typeof(string)] = "String",
        [typeof(bool)] = "Boolean",
        [typeof(byte)] = "Byte",
        [typeof(short)] = "Int16",
        [typeof(int)] = "Int32",
        [typeof(long)] = "Int64",
        [typeof(float)] = "Single",
        [typeof(double)] = "Double",
        [typeof(decimal)] = "Decimal",
        [typeof(DateTime)] = "DateTime",
        [typeof(DateTimeOffset)] = "DateTimeOffset",
        [typeof(DateOnly)] = "DateOnly",
        [typeof(TimeOnly)] = "TimeOnly",
        [typeof(TimeSpan)] = "TimeSpan",
        [typeof(Guid)] = "Guid",
        [typeof(JsonNode)] = "JsonNode",
        [typeof(JsonObject)] = "JsonObject",
        [typeof(JsonArray)] = "JsonArray",
    };

    public static string Of(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Of(underlying);
        if (Aliases.TryGetValue(type, out var alias)) return alias;
        if (ValueConverter.ElementTypeOf(type) is { } element) return Of(element) + "[]";
        if (ValueConverter.DictionaryValueTypeOf(type) is { } value) return $"Dictionary<String, {Of(value)}>";
        return type.Name;
    }
}
