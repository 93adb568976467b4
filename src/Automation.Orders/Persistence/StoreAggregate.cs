using System.Collections.Concurrent;
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

/// An aggregate of the store read by its key: the root row and the rows of some of its collections (an order with its
/// shipments and payments, a client with its emails and phones), through statements built once from EF Core's model
/// and prepared once per connection on SQLite; on PostgreSQL the statements go in one batch, one round trip.
///
/// EF Core's query pipeline (a compiled query with its includes) cost more than SQLite running the statements: its
/// shaper creates a delegate for every nested lambda on every run, and every event reads its order this way inside the
/// writer. Here the rows are read with the provider's own reader methods and value converters, as EF Core would read
/// them, into entities that EF Core then tracks as unchanged (<see cref="DbContext.Attach{TEntity}"/>), with the
/// collections marked loaded.
///
/// EF Core's query runs instead where this path cannot stand in for it: a type it does not map (TableShape), a context
/// whose connection is not open, or, when tracking, a row of the aggregate the context tracks already (a tracking
/// query returns that instance; attaching a second one would conflict).
public sealed class StoreAggregate<T> where T : class
{
    private readonly string[] _collections;
    private readonly ConcurrentDictionary<IModel, Plan?> _plans = new();

    /// collections: the root's collection navigations to read with it, e.g. <c>o => o.Shipments</c>.
    public StoreAggregate(params Expression<Func<T, object>>[] collections) =>
        _collections = collections.Select(c => (c.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : c.Body) switch
        {
            MemberExpression member => member.Member.Name,
            var other => throw new ArgumentException($"{other} is not a navigation of {typeof(T).Name}.", nameof(collections)),
        }).ToArray();

    /// The aggregate tracked by the context as unchanged, or null when no row has that key.
    public Task<T?> ReadTrackedAsync(StoreDb db, long id, CancellationToken ct) => ReadAsync(db, id, tracking: true, ct);

    /// The aggregate as stored, not tracked, or null when no row has that key.
    public Task<T?> ReadAsync(StoreDb db, long id, CancellationToken ct) => ReadAsync(db, id, tracking: false, ct);

    private async Task<T?> ReadAsync(StoreDb db, long id, bool tracking, CancellationToken ct)
    {
        db.LastReadByQuery = false;
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open || _plans.GetOrAdd(db.Model, BuildPlan) is not { } plan)
            return await QueryAsync(db, id, tracking, ct);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var root = connection is SqliteConnection sqlite
            ? ReadOneByOne(plan, sqlite, (SqliteTransaction?)transaction, id, ct)
            : await ReadBatchedAsync(plan, connection, transaction, id, ct);
        if (root is null || !tracking) return root;
        if (TracksAny(db, plan, root)) return await QueryAsync(db, id, tracking, ct);
        var entry = db.Attach(root);
        foreach (var child in plan.Children) entry.Collection(child.Navigation!.Name).IsLoaded = true;
        return root;
    }

    // SQLite runs in process: each statement prepared once on the connection, run to the end before the next.
    private static T? ReadOneByOne(Plan plan, SqliteConnection connection, SqliteTransaction? transaction, long id, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        T? root = null;
        foreach (var table in plan.Tables)
        {
            var command = SqliteStatementCache.Instance.Statement(connection, table.Sql);
            command.Transaction = transaction;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("@id", id);
            using var reader = command.ExecuteReader();
            StoreDiagnostics.Executed(table.Sql);
            if (!Fill(plan, table, reader, ref root)) return null;
        }
        return root;
    }

    private static async Task<T?> ReadBatchedAsync(Plan plan, DbConnection connection, DbTransaction? transaction, long id, CancellationToken ct)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var table in plan.Tables)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = table.Sql;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@id";
            parameter.Value = id;
            command.Parameters.Add(parameter);
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var table in plan.Tables) StoreDiagnostics.Executed(table.Sql);
        T? root = null;
        for (var i = 0; i < plan.Tables.Length; i++)
        {
            if (i > 0) await reader.NextResultAsync(ct);
            if (!Fill(plan, plan.Tables[i], reader, ref root)) return null;
        }
        return root;
    }

    // Reads one statement's rows into the aggregate: the root (false when there is none), or one collection's rows.
    private static bool Fill(Plan plan, Table table, DbDataReader reader, ref T? root)
    {
        if (table.Navigation is null)
        {
            if (!reader.Read()) return false;
            root = (T)table.Materialize(reader);
            return true;
        }
        var collection = table.Navigation.GetCollectionAccessor()!;
        while (reader.Read()) collection.Add(root!, table.Materialize(reader), forMaterialization: true);
        return true;
    }

#pragma warning disable EF1001 // The state manager's key lookup is the one way to ask for a tracked row without detecting changes first.
    private static bool TracksAny(StoreDb db, Plan plan, T root)
    {
        var state = db.GetService<IStateManager>();
        if (state.Count == 0) return false;
        if (state.TryGetEntry(plan.Root.Key, [plan.Root.Key.Properties[0].GetGetter().GetClrValue(root)]) is not null) return true;
        foreach (var child in plan.Children)
            foreach (var row in (IEnumerable<object>)child.Navigation!.GetGetter().GetClrValue(root)!)
                if (state.TryGetEntry(child.Key, [child.Key.Properties[0].GetGetter().GetClrValue(row)]) is not null) return true;
        return false;
    }
#pragma warning restore EF1001

    // EF Core's query for the same aggregate: the root with its collections included, in one query.
    private async Task<T?> QueryAsync(StoreDb db, long id, bool tracking, CancellationToken ct)
    {
        db.LastReadByQuery = true;
        IQueryable<T> query = db.Set<T>();
        if (!tracking) query = query.AsNoTracking();
        foreach (var collection in _collections) query = query.Include(collection);
        var key = db.Model.FindEntityType(typeof(T))!.FindPrimaryKey()!.Properties[0].Name;
        return await query.AsSingleQuery().FirstOrDefaultAsync(e => EF.Property<long>(e, key) == id, ct);
    }

    private Plan? BuildPlan(IModel model)
    {
        if (model.FindEntityType(typeof(T)) is not { } type || TableShape.For(type) is not { } shape || shape.Key.ClrType != typeof(long)) return null;
        if (Table.Of(type, shape, filter: shape.Key, navigation: null) is not { } root) return null;
        var tables = new List<Table> { root };
        foreach (var name in _collections)
        {
            if (type.FindNavigation(name) is not { IsCollection: true, ForeignKey.Properties: [var foreignKey] } navigation) return null;
            if (navigation.ForeignKey.PrincipalKey != type.FindPrimaryKey() || TableShape.For(navigation.TargetEntityType) is not { } childShape) return null;
            if (Table.Of(navigation.TargetEntityType, childShape, filter: foreignKey, navigation) is not { } child) return null;
            tables.Add(child);
        }
        return new Plan([.. tables]);
    }

    private sealed record Plan(Table[] Tables)
    {
        public Table Root => Tables[0];
        public IEnumerable<Table> Children => Tables.Skip(1);
    }

    /// One statement of the read: the table's rows whose filter column is the aggregate's key (by key, for a
    /// collection), and how a row becomes an entity.
    private sealed record Table(string Sql, IKey Key, INavigation? Navigation, Func<DbDataReader, object> Materialize)
    {
        public static Table? Of(IEntityType type, TableShape shape, IProperty filter, INavigation? navigation)
        {
            if (Materializer(type, shape.Columns) is not { } materialize) return null;
            var columns = string.Join(", ", shape.Columns.Select(p => TableShape.Quote(shape.Column(p))));
            var sql = $"SELECT {columns} FROM {shape.Table} WHERE {TableShape.Quote(shape.Column(filter))} = @id";
            if (navigation is not null) sql += $" ORDER BY {TableShape.Quote(shape.Column(shape.Key))}";
            return new Table(sql, type.FindPrimaryKey()!, navigation, materialize);
        }
    }

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
