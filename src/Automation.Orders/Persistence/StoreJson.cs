using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Automation.Orders.Persistence;

/// The one JSON dialect of the store's JSON columns and event data: camelCase, non-ASCII letters kept readable.
public static class StoreJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"JSON 'null' where a {typeof(T).Name} was expected.");

    /// A deep copy through JSON, used as the change-tracking snapshot of JSON columns.
    public static T Copy<T>(T value) => Read<T>(Write(value));
}
