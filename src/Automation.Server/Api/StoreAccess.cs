using Automation.Orders.Persistence;
using Automation.Server.Hosting;
using Automation.Workflows.Persistence;

namespace Automation.Server.Api;

/// The store for request handlers: reads on a connection of their own, writes in one unit of work (so they share the
/// engine's transaction and, on SQLite, its write gate).
public sealed class StoreAccess(WorkflowDatabase database, StorageSettings storage)
{
    /// Reads on a kept reader connection: the queries EF Core prepared on it last time are prepared already (on a
    /// connection opened per read, SQLite compiled each again, and the order and client reads that answer a change
    /// cost more than the change's own).
    public async Task<T> ReadAsync<T>(Func<StoreDb, Task<T>> read, CancellationToken ct)
    {
        await using var reads = await database.OpenReadSessionAsync(ct);
        await using var db = StoreDb.Create(reads.Connection, null, storage.StoreProvider);
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
