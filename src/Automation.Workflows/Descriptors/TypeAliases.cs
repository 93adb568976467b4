namespace Automation.Workflows.Descriptors;

/// Elsa's well-known type aliases (`String`, `Int32`, …) for CLR types, as Studio shows them.
public static class TypeAliases
{
    private static readonly Dictionary<Type, string> Aliases = new()
    {
        [typeof(string)] = "String",
        [typeof(bool)] = "Boolean",
        [typeof(int)] = "Int32",
        [typeof(long)] = "Int64",
        [typeof(double)] = "Double",
        [typeof(decimal)] = "Decimal",
        [typeof(float)] = "Single",
        [typeof(DateTime)] = "DateTime",
        [typeof(DateTimeOffset)] = "DateTimeOffset",
        [typeof(TimeSpan)] = "TimeSpan",
        [typeof(Guid)] = "Guid",
        [typeof(object)] = "Object",
        [typeof(System.Text.Json.Nodes.JsonObject)] = "JsonObject",
        [typeof(System.Text.Json.Nodes.JsonNode)] = "Object",
    };

    public static string Of(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (Aliases.TryGetValue(underlying, out var alias)) return alias;
        if (underlying.IsArray) return Of(underlying.GetElementType()!) + "[]";
        if (underlying.IsGenericType && underlying.GetGenericArguments() is [var item]
            && typeof(System.Collections.IEnumerable).IsAssignableFrom(underlying))
            return Of(item) + "[]";
        if (underlying.IsEnum) return "String";
        return $"{underlying.FullName}, {underlying.Assembly.GetName().Name}";
    }

    public static bool IsCollection(Type type) =>
        type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
        && !typeof(System.Text.Json.Nodes.JsonNode).IsAssignableFrom(type)
        && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>));
}
