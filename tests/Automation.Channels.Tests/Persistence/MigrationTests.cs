using Automation.Channels.Persistence;
using Automation.Channels.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Tests.Persistence;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Migration_creates_every_table_column_and_index_of_the_model(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        await using var db = channels.Db();
        var (columns, indexes) = await ReadSchemaAsync(db);

        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties()) Assert.Contains($"{table}.{property.GetColumnName()}", columns);
            foreach (var index in entity.GetIndexes()) Assert.Contains(index.GetDatabaseName()!, indexes);
        }
    }

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Migration_is_recorded_in_the_channels_history_table_and_a_second_run_changes_nothing(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        await ChannelsDatabase.MigrateAsync(channels.ConnectionString, provider);

        await using var db = channels.Db();
        var applied = await db.Database.SqlQueryRaw<string>($"SELECT \"MigrationId\" AS \"Value\" FROM \"{ChannelsDb.MigrationsHistoryTable}\"").ToListAsync();
        Assert.Equal(["20261201000000_ChannelsInitial"], applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private static async Task<(HashSet<string> Columns, HashSet<string> Indexes)> ReadSchemaAsync(ChannelsDb db)
    {
        var (columnsSql, indexesSql) = db.Provider == DatabaseProvider.Sqlite
            ? ("SELECT m.name || '.' || c.name AS Value FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'",
               "SELECT name AS Value FROM sqlite_master WHERE type = 'index'")
            : ("SELECT table_name || '.' || column_name AS \"Value\" FROM information_schema.columns WHERE table_schema = 'public'",
               "SELECT indexname AS \"Value\" FROM pg_indexes WHERE schemaname = 'public'");
        var columns = (await db.Database.SqlQueryRaw<string>(columnsSql).ToListAsync()).ToHashSet();
        var indexes = (await db.Database.SqlQueryRaw<string>(indexesSql).ToListAsync()).ToHashSet();
        return (columns, indexes);
    }
}
