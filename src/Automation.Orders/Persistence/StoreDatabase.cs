using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// Creates or upgrades the store's tables.
public static class StoreDatabase
{
    public static async Task MigrateAsync(string connectionString, DatabaseProvider provider, CancellationToken cancellationToken)
    {
        await using var db = StoreDb.Create(connectionString, provider);
        // WAL is a property of the database file, so it is set once here rather than on every connection.
        if (provider == DatabaseProvider.Sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
