using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Persistence;

/// Creates or upgrades the channels' tables.
public static class ChannelsDatabase
{
    public static async Task MigrateAsync(string connectionString, DatabaseProvider provider, CancellationToken cancellationToken = default)
    {
        await using var db = ChannelsDb.Create(connectionString, provider);
        // WAL belongs to the file; the other modules set it too, setting it again is harmless.
        if (provider == DatabaseProvider.Sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
