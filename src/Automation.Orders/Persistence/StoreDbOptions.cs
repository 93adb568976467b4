using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// Provider set-up of StoreDb, also for hosts that register it with AddDbContext/AddDbContextFactory.
public static class StoreDbOptions
{
    public static DbContextOptionsBuilder<StoreDb> UseStore(this DbContextOptionsBuilder<StoreDb> builder, string connectionString, DatabaseProvider provider)
    {
        ((DbContextOptionsBuilder)builder).UseStore(connectionString, provider);
        return builder;
    }

    public static DbContextOptionsBuilder UseStore(this DbContextOptionsBuilder builder, string connectionString, DatabaseProvider provider) =>
        provider switch
        {
            DatabaseProvider.Sqlite => builder
                .UseSqlite(connectionString, o => o.MigrationsHistoryTable(StoreDb.MigrationsHistoryTable))
                .AddInterceptors(SqliteConnectionTuning.Instance, SqliteStatementCache.Instance),
            DatabaseProvider.PostgreSql => builder
                .UseNpgsql(connectionString, o => o.MigrationsHistoryTable(StoreDb.MigrationsHistoryTable)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };

    /// For contexts that are handed their connection afterwards (<c>Database.SetDbConnection</c>), so that one options
    /// instance serves them all.
    public static DbContextOptionsBuilder<StoreDb> UseStoreWithoutConnection(this DbContextOptionsBuilder<StoreDb> builder, DatabaseProvider provider)
    {
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder
                .UseSqlite(o => o.MigrationsHistoryTable(StoreDb.MigrationsHistoryTable))
                .AddInterceptors(SqliteConnectionTuning.Instance, SqliteStatementCache.Instance),
            DatabaseProvider.PostgreSql => builder
                .UseNpgsql(o => o.MigrationsHistoryTable(StoreDb.MigrationsHistoryTable)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
        return builder;
    }
}
