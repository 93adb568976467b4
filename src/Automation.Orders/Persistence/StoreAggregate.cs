using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Automation.Orders.Persistence;

/// An aggregate of the store read by its key: the root row and the rows of some of its collections (an order with its
/// shipments and payments, a client with its emails and phones), one prepared statement per table
/// (<see cref="PreparedRead"/>). Tracked, the entities are attached unchanged, with the collections marked loaded.
///
/// EF Core's query runs instead where the statements cannot stand in for it: a type they do not map, a context whose
/// connection is not open, or, when tracking, a row of the aggregate the context tracks already (a tracking query
/// returns that instance, changes made to it included).
public sealed class StoreAggregate<T> where T : class
{
    private readonly string[] _collections;
    private readonly ConcurrentDictionary<IModel, PreparedRead.Table[]?> _plans = new();

    /// collections: the root's collection navigations to read with it, e.g. <c>o => o.Shipments</c>.
    public StoreAggregate(params Expression<Func<T, object>>[] collections) => _collections = [.. collections.Select(StoreRows<T>.MemberName)];

    /// The aggregate tracked by the context as unchanged, or null when no row has that key.
    public Task<T?> ReadTrackedAsync(StoreDb db, long id, CancellationToken ct) => ReadAsync(db, id, tracking: true, ct);

    /// The aggregate as stored, not tracked, or null when no row has that key.
    public Task<T?> ReadAsync(StoreDb db, long id, CancellationToken ct) => ReadAsync(db, id, tracking: false, ct);

    private async Task<T?> ReadAsync(StoreDb db, long id, bool tracking, CancellationToken ct)
    {
        db.LastReadByQuery = false;
        if (!PreparedRead.CanRun(db) || _plans.GetOrAdd(db.Model, Plan) is not { } tables) return await QueryAsync(db, id, tracking, ct);
        T? root = null;
        await PreparedRead.RunAsync(db, tables, [id], (table, reader) =>
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
        }, ct);
        if (root is null || !tracking) return root;
        if (PreparedRead.TracksAny(db, Rows(tables, root))) return await QueryAsync(db, id, tracking, ct);
        // Entity by entity: attaching the root as a graph walks it through callbacks, for the same result.
        var entry = db.Entry(root);
        entry.State = EntityState.Unchanged;
        foreach (var (_, row) in Rows(tables, root).Skip(1)) db.Entry(row).State = EntityState.Unchanged;
        foreach (var table in tables.Skip(1)) entry.Collection(table.Navigation!.Name).IsLoaded = true;
        return root;
    }

    private static IEnumerable<(IKey, object)> Rows(PreparedRead.Table[] tables, T root)
    {
        yield return (tables[0].Key, root);
        foreach (var table in tables.Skip(1))
            foreach (var row in (IEnumerable<object>)table.Navigation!.GetGetter().GetClrValue(root)!)
                yield return (table.Key, row);
    }

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

    private PreparedRead.Table[]? Plan(IModel model)
    {
        if (model.FindEntityType(typeof(T)) is not { } type || type.FindPrimaryKey() is not { Properties: [{ ClrType: var keyType } key] } || keyType != typeof(long))
            return null;
        if (PreparedRead.Table.Of(type, [key]) is not { } root) return null;
        var tables = new List<PreparedRead.Table> { root };
        foreach (var name in _collections)
        {
            if (type.FindNavigation(name) is not { IsCollection: true, ForeignKey.Properties: [var foreignKey] } navigation) return null;
            if (navigation.ForeignKey.PrincipalKey != type.FindPrimaryKey()) return null;
            if (PreparedRead.Table.Of(navigation.TargetEntityType, [foreignKey], navigation) is not { } child) return null;
            tables.Add(child);
        }
        return [.. tables];
    }
}
