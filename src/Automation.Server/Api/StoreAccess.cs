using Automation.Orders.Persistence;
using Automation.Server.Hosting;
using Automation.Workflows.Persistence;

namespace Automation.Server.Api;

/// The store for request handlers: reads on a connection of their own, writes in one unit of work (so they share the
/// engine's transaction and, on SQLite, its write gate).
public sealed class StoreAccess(WorkflowDatabase database, StorageSettings storage)
{
    public async Task<T> ReadAsync<T>(Func<StoreDb, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = StoreDb.Create(connection, null, storage.StoreProvider);
        return await read(db);
    }

    public async Task<T> WriteAsync<T>(Func<StoreDb, Task<T>> write, CancellationToken ct)
    {
        await using var work = await database.BeginAsync(ct);
        var result = await write(work.Db<StoreDb>());
        await work.CommitAsync(ct);
        return result;
    }
}
