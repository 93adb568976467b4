using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// A hot single-result query of the store, translated once instead of on every call. EF Core binds a compiled query to
/// the model it first runs with, and the store's model differs by provider, so there is one per provider.
public sealed class CompiledStoreQuery<TArgument, TResult>(Expression<Func<StoreDb, TArgument, CancellationToken, TResult>> query)
{
    private readonly Func<StoreDb, TArgument, CancellationToken, Task<TResult>> _sqlite = EF.CompileAsyncQuery(query);
    private readonly Func<StoreDb, TArgument, CancellationToken, Task<TResult>> _postgres = EF.CompileAsyncQuery(query);

    public Task<TResult> RunAsync(StoreDb db, TArgument argument, CancellationToken ct) =>
        (db.Provider == DatabaseProvider.PostgreSql ? _postgres : _sqlite)(db, argument, ct);
}
