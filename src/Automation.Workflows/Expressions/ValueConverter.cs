using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Automation.Workflows.Expressions;

/// Converts an evaluated value to an input's declared type the way Elsa does (invariant culture, lenient about lists).
public static partial class ValueConverter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static T Convert<T>(object? value, string? inputName = null) => (T)Convert(value, typeof(T), inputName)!;

    public static object? Convert(object? value, Type targetType, string? inputName = null)
    {
        var nullable = Nullable.GetUnderlyingType(targetType);
        var type = nullable ?? targetType;
        if (value is null) return type.IsValueType && nullable is null ? Activator.CreateInstance(type) : null;
        if (type == typeof(object)) return value;
        if (typeof(JsonNode).IsAssignableFrom(type)) return ToJsonNode(value, type, targetType, inputName);
        if (value is JsonValue json) value = ModelValues.FromJsonValue(json);
        if (value is null) return Convert(null, targetType, inputName);
        if (type.IsInstanceOfType(value)) return value;
        // An emptied field in Studio means "no value" for optional inputs, but is an error where a value is required.
        if (value is string { Length: 0 } && nullable is not null) return null;
        var result = type == typeof(string) ? ToText(value) : ConvertTo(value, type, inputName);
        return result ?? throw Failure(value, targetType, inputName);
    }

    internal static ExpressionException Failure(object? value, Type targetType, string? inputName, string? reason = null) =>
        new($"cannot convert {Describe(value)} to {ElsaTypeNames.Of(targetType)}"
            + (inputName is null ? "" : $" for input '{inputName}'") + (reason is null ? "" : $": {reason}"));

    internal static string Describe(object? value)
    {
        var text = value switch
        {
            null => "null",
            string s => $"\"{s}\"",
            JsonNode node => node.ToJsonString(),
            _ => ToText(value),
        };
        return text.Length > 60 ? text[..57] + "…" : text;
    }

    /// Renders a value as text the way it would be typed: invariant numbers, ISO dates, JSON for structures.
    public static string ToText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        DateTimeOffset d => d.ToString("O", Invariant),
        DateTime d => d.ToString("O", Invariant),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonNode node => node.ToJsonString(),
        IFormattable formattable => formattable.ToString(null, Invariant),
        IEnumerable => JsonSerializer.Serialize(value),
        _ => value.ToString() ?? "",
    };

    private static object? ConvertTo(object value, Type type, string? inputName)
    {
        if (ElementTypeOf(type) is { } element) return ToCollection(value, type, element, inputName);
        if (DictionaryValueTypeOf(type) is { } valueType) return ToDictionary(value, type, valueType, inputName);
        if (type.IsEnum) return ToEnum(value, type);
        if (value is string text) return Parse(text.Trim(), type);
        if (type == typeof(bool)) return value is IConvertible n && IsNumber(value) ? ToBool(n.ToString(Invariant)) : null;
        if (IsNumber(type) && IsNumber(value)) return ToNumber(value, type);
        if (type == typeof(DateTimeOffset) && value is DateTime dt) return new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt);
        if (type == typeof(DateTime) && value is DateTimeOffset dto) return dto.UtcDateTime;
        if (type == typeof(DateOnly) && value is DateTimeOffset or DateTime) return DateOnly.FromDateTime(value is DateTime d ? d : ((DateTimeOffset)value).DateTime);
        return FromJson(value, type);
    }

    private static object? Parse(string text, Type type)
    {
        if (type == typeof(bool)) return ToBool(text);
        if (IsNumber(type)) return ParseNumber(text, type);
        if (type == typeof(DateTimeOffset))
            return DateTimeOffset.TryParse(text, Invariant, DateTimeStyles.AssumeUniversal, out var dto) ? dto : null;
        if (type == typeof(DateTime))
            return DateTime.TryParse(text, Invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt) ? dt : null;
        if (type == typeof(DateOnly)) return DateOnly.TryParse(text, Invariant, out var date) ? date : null;
        if (type == typeof(TimeOnly)) return TimeOnly.TryParse(text, Invariant, out var time) ? time : null;
        if (type == typeof(TimeSpan)) return ToTimeSpan(text);
        if (type == typeof(Guid)) return Guid.TryParse(text, out var guid) ? guid : null;
        if (type == typeof(char)) return text.Length == 1 ? text[0] : null;
        if (text.Length > 0 && text[0] is '{' or '[' or '"') return FromJson(TryParseJson(text), type);
        return null;
    }

    private static object? ToBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "y" or "yes" or "1" or "on" => true,
        "false" or "n" or "no" or "0" or "off" => false,
        _ => null,
    };

    private static object? ToTimeSpan(string text)
    {
        if (TimeSpan.TryParse(text, Invariant, out var span)) return span;
        if (text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal))
        {
            try
            {
                return XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    private static object? ToEnum(object value, Type type)
    {
        var name = value is string s ? s.Trim() : IsNumber(value) ? ToText(value) : null;
        if (name is null || !Enum.TryParse(type, name, ignoreCase: true, out var result)) return null;
        // Enum.TryParse accepts any number; only declared members are real choices.
        return Enum.IsDefined(type, result!) ? result : null;
    }

    private static bool IsNumber(object value) => IsNumber(value.GetType());

    private static bool IsNumber(Type type) => Type.GetTypeCode(type) is >= TypeCode.SByte and <= TypeCode.Decimal && !type.IsEnum;

    private static object? ParseNumber(string text, Type type)
    {
        const NumberStyles styles = NumberStyles.Float;
        if (type == typeof(double)) return double.TryParse(text, styles, Invariant, out var d) ? d : null;
        if (type == typeof(float)) return float.TryParse(text, styles, Invariant, out var f) ? f : null;
        if (!decimal.TryParse(text, styles, Invariant, out var number)) return null;
        return ToNumber(number, type);
    }

    private static object? ToNumber(object value, Type type)
    {
        try
        {
            var isIntegral = Type.GetTypeCode(type) is >= TypeCode.SByte and <= TypeCode.UInt64;
            // Never round silently: 2.5 is not an Int32.
            if (isIntegral && value is double or float or decimal && System.Convert.ToDecimal(value, Invariant) % 1 != 0) return null;
            return System.Convert.ChangeType(value, type, Invariant);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static JsonNode? TryParseJson(string text)
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

    private static object? FromJson(object? value, Type type)
    {
        if (value is null || type.IsPrimitive || !(type.IsClass || type.IsValueType && !type.IsPrimitive)) return null;
        try
        {
            var node = value as JsonNode ?? JsonSerializer.SerializeToNode(value);
            return node is JsonObject ? node.Deserialize(type) : null;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private static JsonNode? ToJsonNode(object value, Type type, Type targetType, string? inputName)
    {
        JsonNode? node = value switch
        {
            JsonNode n => n.Parent is null ? n : n.DeepClone(),
            string s when s.TrimStart() is { Length: > 0 } t && t[0] is '{' or '[' =>
                TryParseJson(s) ?? throw Failure(value, targetType, inputName, "it is not valid JSON"),
            _ => JsonSerializer.SerializeToNode(value),
        };
        if (node is null || type.IsInstanceOfType(node)) return node;
        throw Failure(value, targetType, inputName);
    }
}
