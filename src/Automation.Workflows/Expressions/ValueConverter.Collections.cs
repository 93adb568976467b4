using System.Collections;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Expressions;

/// Lists and dictionaries: from JSON text (as Elsa stores lists in literals), JSON nodes, CLR collections or one value.
public static partial class ValueConverter
{
    private static readonly Type[] ListInterfaces =
    [
        typeof(IEnumerable<>), typeof(ICollection<>), typeof(IList<>), typeof(IReadOnlyCollection<>), typeof(IReadOnlyList<>),
    ];

    private static readonly Type[] DictionaryInterfaces = [typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>)];

    /// The element type when the type is an array, List&lt;T&gt; or one of the list interfaces it implements.
    internal static Type? ElementTypeOf(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || ListInterfaces.Contains(definition) ? type.GetGenericArguments()[0] : null;
    }

    /// The value type when the type is a string-keyed Dictionary or one of its interfaces.
    internal static Type? DictionaryValueTypeOf(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        var isDictionary = definition == typeof(Dictionary<,>) || DictionaryInterfaces.Contains(definition);
        return isDictionary && arguments[0] == typeof(string) ? arguments[1] : null;
    }

    private static object? ToCollection(object value, Type type, Type elementType, string? inputName)
    {
        var items = Items(value);
        if (items is null) return null;
        var converted = items.Select(item => Convert(item, elementType, inputName)).ToList();
        if (type.IsArray)
        {
            var array = Array.CreateInstance(elementType, converted.Count);
            for (var i = 0; i < converted.Count; i++) array.SetValue(converted[i], i);
            return array;
        }
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
        foreach (var item in converted) list.Add(item);
        return list;
    }

    private static IEnumerable<object?>? Items(object value)
    {
        switch (value)
        {
            case JsonArray array:
                return array.Select(node => (object?)node);
            case string text when text.TrimStart().StartsWith('['):
                return TryParseJson(text) is JsonArray parsed ? parsed.Select(node => (object?)node) : null;
            case string text:
                // A blank literal is an empty list, not a list holding one empty string.
                return text.Trim().Length == 0 ? [] : [text];
            case JsonObject or IDictionary:
                return [value];
            case IEnumerable enumerable:
                return enumerable.Cast<object?>();
            default:
                return [value];
        }
    }

    private static object? ToDictionary(object value, Type type, Type valueType, string? inputName)
    {
        IEnumerable<KeyValuePair<string, object?>>? pairs = value switch
        {
            JsonObject obj => obj.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)),
            string text => TryParseJson(text) is JsonObject parsed
                ? parsed.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value))
                : null,
            IEnumerable<KeyValuePair<string, object?>> typed => typed,
            IDictionary legacy => legacy.Cast<DictionaryEntry>()
                .Select(e => new KeyValuePair<string, object?>(e.Key.ToString() ?? "", e.Value)),
            _ => null,
        };
        if (pairs is null) return null;
        var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
        foreach (var (key, item) in pairs) dictionary[key] = Convert(item, valueType, inputName);
        return dictionary;
    }
}
