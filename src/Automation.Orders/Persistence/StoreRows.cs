using System.Collections.Concurrent;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Automation.Orders.Persistence;

/// The rows of one table whose columns equal given values (an order's open activities for a status), in key order,
/// read by one prepared statement (<see cref="PreparedRead"/>) and tracked unchanged.
///
/// EF Core's query runs instead where the statement cannot stand in for it: a type it does not map, a context whose
/// connection is not open, a null value (in SQL `= NULL` matches nothing, where the query's `== null` matches a null),
/// or a row the context tracks already (a tracking query returns that instance, changes made to it included).
public sealed class StoreRows<T> where T : class
{
    private readonly string[] _columns;
    private readonly ConcurrentDictionary<IModel, PreparedRead.Table?> _plans = new();

    /// columns: the properties the values are compared with, in the order the values are given, e.g. <c>a => a.OrderId</c>.
    public StoreRows(params Expression<Func<T, object?>>[] columns) => _columns = [.. columns.Select(MemberName)];

    /// The rows whose columns equal the values, tracked by the context.
    public async Task<List<T>> ReadTrackedAsync(StoreDb db, object?[] values, CancellationToken ct)
    {
        if (values.Length != _columns.Length) throw new ArgumentException($"Expected {_columns.Length} values ({string.Join(", ", _columns)}).", nameof(values));
        db.LastReadByQuery = false;
        if (!PreparedRead.CanRun(db) || values.Contains(null) || _plans.GetOrAdd(db.Model, Plan) is not { } table) return await QueryAsync(db, values, ct);
        var rows = new List<T>();
        await PreparedRead.RunAsync(db, [table], values, (_, reader) =>
        {
            while (reader.Read()) rows.Add((T)table.Materialize(reader));
            return true;
        }, ct);
        if (rows.Count == 0) return rows;
        if (PreparedRead.TracksAny(db, rows.Select(row => (table.Key, (object)row)))) return await QueryAsync(db, values, ct);
        foreach (var row in rows) db.Entry(row).State = EntityState.Unchanged;
        return rows;
    }

    // EF Core's query for the same rows, with the values as parameters (one translation for all values).
    private async Task<List<T>> QueryAsync(StoreDb db, object?[] values, CancellationToken ct)
    {
        db.LastReadByQuery = true;
        var type = db.Model.FindEntityType(typeof(T))!;
        var entity = Expression.Parameter(typeof(T), "e");
        Expression? where = null;
        for (var i = 0; i < _columns.Length; i++)
        {
            var property = type.FindProperty(_columns[i])!;
            var column = Expression.Call(typeof(EF), nameof(EF.Property), [property.ClrType], entity, Expression.Constant(_columns[i]));
            var holder = Activator.CreateInstance(typeof(Holder<>).MakeGenericType(property.ClrType), values[i])!;
            var equal = Expression.Equal(column, Expression.Property(Expression.Constant(holder), nameof(Holder<>.Value)));
            where = where is null ? equal : Expression.AndAlso(where, equal);
        }
        var rows = await db.Set<T>().Where(Expression.Lambda<Func<T, bool>>(where!, entity)).ToListAsync(ct);
        var key = type.FindPrimaryKey()!.Properties[0].GetGetter();
        return [.. rows.OrderBy(key.GetClrValue)];
    }

    private PreparedRead.Table? Plan(IModel model)
    {
        if (model.FindEntityType(typeof(T)) is not { } type || type.FindPrimaryKey() is not { Properties.Count: 1 }) return null;
        var columns = _columns.Select(name => type.FindProperty(name)).ToList();
        return columns.Contains(null) ? null : PreparedRead.Table.Of(type, columns!);
    }

    /// The property a lambda names: <c>a => a.OrderId</c> is "OrderId".
    internal static string MemberName<TValue>(Expression<Func<T, TValue>> member) =>
        (member.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : member.Body) switch
        {
            MemberExpression { Expression: ParameterExpression } access => access.Member.Name,
            var other => throw new ArgumentException($"{other} is not a property of {typeof(T).Name}.", nameof(member)),
        };
}

// A value EF Core reads from a closure, so that it becomes a parameter of the query rather than a constant in it.
file sealed class Holder<TValue>(TValue value)
{
    public TValue Value { get; } = value;
}
