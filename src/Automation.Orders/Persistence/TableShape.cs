using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Automation.Orders.Persistence;

/// How an entity type maps to its table, for the types the store's prepared statements (PreparedSave, StoreAggregate)
/// handle: one table of its own, a single-column key, no inheritance, owned or complex parts, and no value the
/// database generates other than the key.
internal sealed class TableShape
{
    // Per entity type: how it maps to its table, or null when the prepared paths do not handle the type.
    private static readonly ConcurrentDictionary<IEntityType, TableShape?> Shapes = new();

    private readonly StoreObjectIdentifier _table;

    private TableShape(IEntityType type, StoreObjectIdentifier table, IProperty key)
    {
        _table = table;
        Table = (type.GetSchema() is { } schema ? Quote(schema) + "." : "") + Quote(table.Name);
        Key = key;
        GeneratedKey = key.ValueGenerated == ValueGenerated.OnAdd ? key : null;
        Columns = type.GetProperties().ToList();
        Tokens = Columns.Where(p => p.IsConcurrencyToken).ToList();
    }

    public string Table { get; }
    public IProperty Key { get; }
    public IProperty? GeneratedKey { get; }
    public IReadOnlyList<IProperty> Columns { get; }
    public IReadOnlyList<IProperty> Tokens { get; }

    public string Column(IProperty property) => property.GetColumnName(_table)!;

    /// The type's shape, worked out once; null when the prepared paths leave the type to EF Core.
    public static TableShape? For(IEntityType type) => Shapes.GetOrAdd(type, Of);

    private static TableShape? Of(IEntityType type)
    {
        if (type.BaseType is not null || type.GetDirectlyDerivedTypes().Any() || type.IsOwned() || type.HasSharedClrType) return null;
        if (type.GetComplexProperties().Any() || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned())) return null;
        if (type.GetTableName() is not { } name || type.GetViewName() is not null || type.GetSqlQuery() is not null) return null;
        if (type.FindPrimaryKey() is not { Properties: [var key] }) return null;
        var table = StoreObjectIdentifier.Table(name, type.GetSchema());
        // Another type sharing the table (table splitting) is saved together with this one by EF Core.
        if (type.Model.GetEntityTypes().Any(other => other != type && other.GetTableName() == name && other.GetSchema() == type.GetSchema())) return null;
        if (type.GetProperties().Any(p => p != key && (p.ValueGenerated != ValueGenerated.Never || p.GetColumnName(table) is null))) return null;
        if (key.ValueGenerated is not (ValueGenerated.Never or ValueGenerated.OnAdd)) return null;
        return new TableShape(type, table, key);
    }

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // "@p0", "@p1", …: the names of the prepared statements' parameters, made once rather than on every binding.
    private static string[] _parameterNames = [];

    public static string ParameterName(int index)
    {
        var names = Volatile.Read(ref _parameterNames);
        if (index < names.Length) return names[index];
        var grown = new string[Math.Max(index + 1, names.Length * 2 + 64)];
        names.CopyTo(grown, 0);
        for (var i = names.Length; i < grown.Length; i++) grown[i] = "@p" + i;
        Volatile.Write(ref _parameterNames, grown); // filled before it is shared; two threads growing it at once make the same names
        return grown[index];
    }
}
