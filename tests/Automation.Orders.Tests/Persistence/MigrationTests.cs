using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Persistence;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Migration_creates_every_table_column_and_index_of_the_model(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var schema = await DatabaseSchema.ReadAsync(db);

        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            Assert.True(schema.Columns.ContainsKey(table), $"table {table} is missing");
            foreach (var property in entity.GetProperties())
            {
                Assert.Contains(property.GetColumnName(), schema.Columns[table]);
            }
            foreach (var index in entity.GetIndexes())
            {
                Assert.Contains(index.GetDatabaseName()!, schema.Indexes);
            }
        }
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Migration_is_recorded_in_the_store_history_table_and_a_second_run_changes_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await StoreDatabase.MigrateAsync(store.ConnectionString, provider, CancellationToken.None);

        await using var db = store.Db();
        var applied = await db.Database.SqlQueryRaw<string>($"SELECT \"MigrationId\" AS \"Value\" FROM \"{StoreDb.MigrationsHistoryTable}\"").ToListAsync();
        Assert.Equal(["20261121000000_StoreInitial", "20261122000000_StoreEmployeeRules", "20261123000000_StoreTaskAuditors", "20261123000100_StoreDocumentFiles",
            "20261124000000_StoreSharedSecrets", "20261125000000_StoreUnprocessedInbox"], applied);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Sqlite_file_runs_in_wal_mode_with_normal_sync_and_a_busy_timeout()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = store.Db();
        await db.Database.OpenConnectionAsync();

        Assert.Equal(["wal"], await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").ToListAsync());
        Assert.Equal([1L], await db.Database.SqlQueryRaw<long>("SELECT synchronous AS Value FROM pragma_synchronous").ToListAsync());
        Assert.Equal([10000L], await db.Database.SqlQueryRaw<long>("SELECT timeout AS Value FROM pragma_busy_timeout").ToListAsync());
    }

    [Fact]
    public async Task Sqlite_connection_opened_by_another_module_gets_the_same_settings_when_prepared()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = await store.OpenConnectionAsync();

        await StoreDatabase.PrepareSqliteConnectionAsync(connection, CancellationToken.None);

        await using var db = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
        Assert.Equal([1L], await db.Database.SqlQueryRaw<long>("SELECT synchronous AS Value FROM pragma_synchronous").ToListAsync());
        Assert.Equal([10000L], await db.Database.SqlQueryRaw<long>("SELECT timeout AS Value FROM pragma_busy_timeout").ToListAsync());
    }
}
