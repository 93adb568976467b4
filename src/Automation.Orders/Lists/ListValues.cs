using System.Globalization;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;

namespace Automation.Orders.Lists;

/// Values of list fields: checked and stored in each type's invariant text form, and read back typed.
public static class ListValues
{
    /// The stored text of a value for a field, or a DomainException naming the field and what is wrong.
    public static string? Normalize(UserList list, ListField field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!field.Multiple) return Single(list, field, value.Trim());
        return StoreJson.Write(MultiValueField.Values(value.Trim()).Select(v => Single(list, field, v.Trim())).ToList());
    }

    /// The typed value: decimal, DateTimeOffset, bool, long (employee id), string, or an array of those.
    public static object? Read(ListField field, string? stored)
    {
        if (stored is null) return null;
        return field.Multiple ? MultiValueField.Values(stored).Select(v => Typed(field.Type, v)).ToArray() : Typed(field.Type, stored);
    }

    private static object? Typed(ListFieldType type, string text) => type switch
    {
        ListFieldType.Number => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture),
        ListFieldType.Date => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        ListFieldType.Boolean => bool.Parse(text),
        ListFieldType.Employee => long.Parse(text, CultureInfo.InvariantCulture),
        _ => text,
    };

    private static string Single(UserList list, ListField field, string value) => field.Type switch
    {
        ListFieldType.Number when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) =>
            number.ToString(CultureInfo.InvariantCulture),
        ListFieldType.Date when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) =>
            date.ToString("O", CultureInfo.InvariantCulture),
        ListFieldType.Boolean when Boolean(value) is { } flag => flag ? "true" : "false",
        ListFieldType.Employee when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 =>
            id.ToString(CultureInfo.InvariantCulture),
        ListFieldType.Text => value,
        _ => throw DomainException.Invalid(field.Code, $"of list '{list.Name}' is a {field.Type.ToString().ToLowerInvariant()} field; '{value}' is not one"),
    };

    private static bool? Boolean(string value) => value.ToLowerInvariant() switch
    {
        "true" or "yes" or "y" or "1" => true,
        "false" or "no" or "n" or "0" => false,
        _ => null,
    };
}
