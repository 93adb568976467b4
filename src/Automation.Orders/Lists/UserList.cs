using System.Text.Json.Serialization;

namespace Automation.Orders.Lists;

/// A list the store defines itself (e.g. "Gift wrapping requests"), with typed fields; rules add, read and edit its items.
public sealed class UserList
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public List<ListField> Fields { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }

    public ListField? Field(string code) => Fields.FirstOrDefault(f => string.Equals(f.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// A field of a list: its code (how rules name it), its label, its type, and whether it is required or multi-valued.
public sealed record ListField(string Code, string Name, ListFieldType Type = ListFieldType.Text, bool Required = false, bool Multiple = false);

[JsonConverter(typeof(JsonStringEnumConverter<ListFieldType>))]
public enum ListFieldType { Text, Number, Date, Boolean, Employee }

/// An item of a list: one value per field code, stored as text in the field type's invariant form (a multi-valued
/// field as a JSON array).
public sealed class UserListItem
{
    public long Id { get; set; }
    public long ListId { get; set; }
    public Dictionary<string, string?> Values { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed record NewUserList(string Name, IReadOnlyList<ListField> Fields);
