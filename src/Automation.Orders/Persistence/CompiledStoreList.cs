using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// A hot query of the store returning a list, with two arguments, translated once instead of on every call. EF Core
/// binds a compiled query to the model it first runs with, and the store's model differs by provider, so there is one
/// per provider.
public sealed class CompiledStoreList<TFirst, TSecond, TResult>(Expression<Func<StoreDb, TFirst, TSecond, IQueryable<TResult>>> query)
{
    private readonly Func<StoreDb, TFirst, TSecond, IAsyncEnumerable<TResult>> _sqlite = EF.CompileAsyncQuery(query);
    private readonly Func<StoreDb, TFirst, TSecond, IAsyncEnumerable<TResult>> _postgres = EF.CompileAsyncQuery(query);

    public async Task<List<TResult>> RunAsync(StoreDb db, TFirst first, TSecond second, CancellationToken ct)
    {
        var results = new List<TResult>();
        await foreach (var result in (db.Provider == DatabaseProvider.PostgreSql ? _postgres : _sqlite)(db, first, second).WithCancellation(ct)) results.Add(result);
        return results;
    }
}
