using System.Text.Json;
using Automation.Orders.Persistence;

namespace Automation.Orders.Orders;

/// A custom field holding several values, stored as a JSON array of strings.
public static class MultiValueField
{
    public static string Append(string? current, string? added)
    {
        var values = Values(current);
        values.AddRange(Values(added));
        return StoreJson.Write(values);
    }

    /// The values of a field: its JSON array's elements, or the single plain value, or none.
    public static List<string> Values(string? field)
    {
        if (string.IsNullOrEmpty(field)) return [];
        if (!field.StartsWith('[')) return [field];
        try
        {
            using var array = JsonDocument.Parse(field);
            return [.. array.RootElement.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())];
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return [field];
        }
    }
}
