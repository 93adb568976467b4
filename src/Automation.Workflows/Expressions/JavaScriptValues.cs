using System.Text.Json;
using System.Text.Json.Serialization;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Object;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Automation.Workflows.Expressions;

/// Moves values between the expression model and a Jint engine: in as parsed JSON, out as plain CLR values.
internal static class JavaScriptValues
{
    private const int MaxDepth = 64;

    private static readonly JsonSerializerOptions Json = new()
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        MaxDepth = MaxDepth,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// Copies a CLR value into the engine; JSON is the one representation Jint 2 reads faithfully.
    public static JsValue ToJs(Engine engine, object? value, string what)
    {
        if (value is null) return JsValue.Null;
        string json;
        try
        {
            json = JsonSerializer.Serialize(value, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new ExpressionException($"JavaScript: {what} cannot be passed to the script: {e.Message}", e);
        }
        return new JsonParser(engine).Parse(json);
    }

    /// Numbers become long when integral and double otherwise; arrays lists; objects dictionaries.
    public static object? ToClr(JsValue value, int depth = 0)
    {
        if (depth > MaxDepth) throw new ExpressionException($"JavaScript: the result is nested deeper than {MaxDepth} levels");
        if (value.IsNull() || value.IsUndefined()) return null;
        if (value.IsBoolean()) return value.AsBoolean();
        if (value.IsString()) return value.AsString();
        if (value.IsNumber()) return Number(value.AsNumber());
        if (value.IsDate()) return new DateTimeOffset(value.AsDate().ToDateTime().ToUniversalTime());
        if (value.IsArray()) return Items(value.AsArray(), depth);
        if (value.IsObject() && value.AsObject() is var obj && obj is not ICallable) return Properties(obj, depth);
        return null;
    }

    private static object Number(double number) =>
        Math.Floor(number) == number && Math.Abs(number) <= 9007199254740992d ? (long)number : (object)number;

    private static List<object?> Items(ObjectInstance array, int depth)
    {
        var length = (long)Jint.Runtime.TypeConverter.ToNumber(array.Get("length"));
        var items = new List<object?>((int)Math.Min(length, 10_000));
        for (var i = 0L; i < length; i++) items.Add(ToClr(array.Get(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), depth + 1));
        return items;
    }

    private static Dictionary<string, object?> Properties(ObjectInstance obj, int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, descriptor) in obj.GetOwnProperties().ToList())
        {
            if (descriptor.Enumerable != true) continue;
            var item = obj.Get(name);
            if (item.IsObject() && item.AsObject() is ICallable) continue;
            result[name] = ToClr(item, depth + 1);
        }
        return result;
    }
}
