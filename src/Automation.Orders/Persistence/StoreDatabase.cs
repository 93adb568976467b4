using System.Data.Common;
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

    /// Applies the store's per-connection SQLite settings (synchronous=NORMAL, busy timeout) to a connection its
    /// owner opened itself; StoreDb applies them on the connections it opens.
    public static async Task PrepareSqliteConnectionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteConnectionTuning.Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
