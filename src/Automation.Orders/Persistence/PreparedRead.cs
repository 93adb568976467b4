using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Automation.Orders.Persistence;

/// Reads rows of the store through statements built once from EF Core's model and prepared once per connection on
/// SQLite (on PostgreSQL the statements of one read go in one batch, one round trip), for the hot reads
/// (<see cref="StoreAggregate{T}"/>, <see cref="StoreRows{T}"/>). EF Core's query pipeline cost more than SQLite
/// running the statements: its shaper creates a delegate for every nested lambda on every run, and every event reads
/// its order inside the writer. The rows are read with the provider's own reader methods and value converters, as EF
/// Core reads them; the callers then have EF Core track the entities as unchanged.
internal static class PreparedRead
{
    /// One statement: the rows of a table whose filter columns equal the read's arguments (in key order), and how a
    /// row becomes an entity. Navigation: the collection of the aggregate's root the rows belong to, if any.
    internal sealed record Table(string Sql, IKey Key, IProperty[] Filters, INavigation? Navigation, Func<DbDataReader, object> Materialize)
    {
        /// Null when the type cannot be read this way (TableShape, or an entity the materializer cannot make).
        public static Table? Of(IEntityType type, IReadOnlyList<IProperty> filters, INavigation? navigation = null)
        {
            if (TableShape.For(type) is not { } shape || Materializer(type, shape.Columns) is not { } materialize) return null;
            var columns = string.Join(", ", shape.Columns.Select(p => TableShape.Quote(shape.Column(p))));
            var where = string.Join(" AND ", filters.Select((p, i) => $"{TableShape.Quote(shape.Column(p))} = @p{i}"));
            return new Table($"SELECT {columns} FROM {shape.Table} WHERE {where} ORDER BY {TableShape.Quote(shape.Column(shape.Key))}",
                type.FindPrimaryKey()!, [.. filters], navigation, materialize);
        }
    }

    /// Whether the statements can run on the context's connection now (it is open), rather than EF Core's query.
    public static bool CanRun(StoreDb db) => db.Database.GetDbConnection().State == System.Data.ConnectionState.Open;

    /// Runs each table's statement with the same arguments (in the context's transaction, if any) and hands its rows to
    /// read, statement by statement; read returns false to stop (a root that is not there).
    public static async Task RunAsync(StoreDb db, Table[] tables, object?[] arguments, Func<Table, DbDataReader, bool> read, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (connection is SqliteConnection sqlite)
        {
            // In process: each statement prepared once on the connection, run to its end before the next.
            ct.ThrowIfCancellationRequested();
            foreach (var table in tables)
            {
                var command = SqliteStatementCache.Instance.Statement(sqlite, table.Sql);
                command.Transaction = (SqliteTransaction?)transaction;
                command.Parameters.Clear();
                Bind(command, command.Parameters, table, arguments);
                using var reader = command.ExecuteReader();
                StoreDiagnostics.Executed(table.Sql);
                if (!read(table, reader)) return;
            }
            return;
        }
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        await using var maker = connection.CreateCommand(); // makes the parameters, as EF Core's type mappings expect a command
        foreach (var table in tables)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = table.Sql;
            Bind(maker, command.Parameters, table, arguments);
            batch.BatchCommands.Add(command);
        }
        await using var rows = await batch.ExecuteReaderAsync(ct);
        foreach (var table in tables) StoreDiagnostics.Executed(table.Sql);
        for (var i = 0; i < tables.Length; i++)
        {
            if (i > 0) await rows.NextResultAsync(ct);
            if (!read(tables[i], rows)) return;
        }
    }

    private static void Bind(DbCommand maker, DbParameterCollection into, Table table, object?[] arguments)
    {
        for (var i = 0; i < table.Filters.Length; i++)
            into.Add(table.Filters[i].GetRelationalTypeMapping().CreateParameter(maker, TableShape.ParameterName(i), arguments[i], table.Filters[i].IsNullable));
    }

#pragma warning disable EF1001 // The state manager's key lookup is the one way to ask for a tracked row without detecting changes first.
    /// Whether the context tracks any of these rows (by key) already: a tracking query would hand out that instance,
    /// and tracking a second one would conflict.
    public static bool TracksAny(StoreDb db, IEnumerable<(IKey Key, object Row)> rows)
    {
        var state = db.GetService<IStateManager>();
        if (state.Count == 0) return false;
        foreach (var (key, row) in rows)
            if (state.TryGetEntry(key, [key.Properties[0].GetGetter().GetClrValue(row)]) is not null) return true;
        return false;
    }
#pragma warning restore EF1001

    private static readonly MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!;

    /// Builds `reader => new Entity { Column = converted reader value, … }`, reading each column as EF Core does: the
    /// type mapping's reader method, its customisation, then the value converter; null when the type cannot be made
    /// that way (no parameterless constructor, a property with no member to set).
    private static Func<DbDataReader, object>? Materializer(IEntityType type, IReadOnlyList<IProperty> columns)
    {
        if (type.ClrType.GetConstructor(Type.EmptyTypes) is not { } constructor) return null;
        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var entity = Expression.Variable(type.ClrType, "entity");
        var body = new List<Expression> { Expression.Assign(entity, Expression.New(constructor)) };
        for (var i = 0; i < columns.Count; i++)
        {
            var property = columns[i];
            MemberInfo? member = property.PropertyInfo is { CanWrite: true } settable ? settable : property.FieldInfo;
            if (member is null) return null;
            var mapping = property.GetRelationalTypeMapping();
            var method = mapping.GetDataReaderMethod();
            var source = method.DeclaringType!.IsAssignableFrom(typeof(DbDataReader)) ? (Expression)reader : Expression.Convert(reader, method.DeclaringType);
            var value = mapping.CustomizeDataReaderExpression(Expression.Call(source, method, Expression.Constant(i)));
            var provider = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            if (value.Type != provider) value = Expression.Convert(value, provider);
            if (mapping.Converter is { } converter) value = Expression.Invoke(converter.ConvertFromProviderExpression, value);
            if (value.Type != property.ClrType) value = Expression.Convert(value, property.ClrType);
            if (property.IsNullable)
                value = Expression.Condition(Expression.Call(reader, IsDbNull, Expression.Constant(i)), Expression.Default(property.ClrType), value);
            body.Add(Expression.Assign(Expression.MakeMemberAccess(entity, member), value));
        }
        body.Add(Expression.Convert(entity, typeof(object)));
        return Expression.Lambda<Func<DbDataReader, object>>(Expression.Block([entity], body), reader).Compile();
    }
}
