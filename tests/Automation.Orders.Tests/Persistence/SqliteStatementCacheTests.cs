using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Persistence;

/// EF Core's commands on a kept SQLite connection run through statements prepared once (SqliteStatementCache): each
/// run must see its own parameter values, and nothing may outlive the connection.
public sealed class SqliteStatementCacheTests
{
    [Fact]
    public async Task A_statement_is_prepared_once_per_connection_and_each_run_binds_its_own_values()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();
        // Names of different lengths and amounts that SQLite stores as text: a binding that kept the size or type of the
        // previous run would cut them short.
        var created = new List<Order>();
        foreach (var (name, amount) in new[] { ("Al", 10.5m), ("Alexandra Longname", 1234567.89m), ("Bo", 0.01m) })
        {
            await using var db = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
            created.Add(await store.Orders(db).CreateAsync(new NewOrder
            {
                Client = new NewClient(name, $"{name.Length}@example.com"),
                Status = "new",
                Currency = "EUR",
                Amount = amount,
            }, CancellationToken.None));
        }
        var prepared = SqliteStatementCache.Instance.PreparedOn(connection);
        Assert.True(prepared > 0, "the creations ran through prepared statements");

        foreach (var order in created.AsEnumerable().Reverse())
        {
            await using var db = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
            var read = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == read.ClientId);
            Assert.Equal((order.Number, order.Amount), (read.Number, read.Amount));
            Assert.Equal(order.ClientId, client.Id);
        }
        var afterReads = SqliteStatementCache.Instance.PreparedOn(connection);
        for (var i = 0; i < 5; i++)
        {
            await using var db = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
            var read = await store.Orders(db).GetAsync(created[i % created.Count].Id, CancellationToken.None);
            Assert.Equal(created[i % created.Count].Amount, read.Amount);
        }
        Assert.Equal(afterReads, SqliteStatementCache.Instance.PreparedOn(connection));
    }

    [Fact]
    public async Task A_query_run_again_while_its_first_run_is_still_being_read_gets_a_command_of_its_own()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++) ids.Add((await store.NewOrderAsync(email: $"buyer{i}@example.com")).Id);
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();
        await using var outer = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
        await using var inner = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);

        var seen = new List<(long Outer, int Inner)>();
        await foreach (var order in outer.Orders.AsNoTracking().OrderBy(o => o.Id).AsAsyncEnumerable())
            seen.Add((order.Id, (await inner.Orders.AsNoTracking().OrderBy(o => o.Id).ToListAsync()).Count));

        Assert.Equal(ids.Select(id => (id, 3)), seen);
    }

    [Fact]
    public async Task Closing_the_connection_drops_its_statements()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var order = await store.NewOrderAsync();
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();
        await ReadAsync();
        Assert.True(SqliteStatementCache.Instance.PreparedOn(connection) > 0);

        await connection.CloseAsync();
        Assert.Equal(0, SqliteStatementCache.Instance.PreparedOn(connection));
        await connection.OpenAsync();
        await ReadAsync();
        Assert.True(SqliteStatementCache.Instance.PreparedOn(connection) > 0, "the reopened connection prepares its own");

        async Task ReadAsync()
        {
            await using var db = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
            Assert.Equal(order.Number, (await store.Orders(db).GetAsync(order.Id, CancellationToken.None)).Number);
        }
    }

    [Fact]
    public async Task Past_its_bound_a_connection_drops_the_statements_no_reader_is_reading()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var ids = new List<long>();
        for (var i = 0; i < 2; i++) ids.Add((await store.NewOrderAsync(email: $"buyer{i}@example.com")).Id);
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();
        await using var outer = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);
        await using var inner = StoreDb.Create(connection, null, DatabaseProvider.Sqlite);

        var seen = new List<long>();
        await foreach (var order in outer.Orders.AsNoTracking().OrderBy(o => o.Id).AsAsyncEnumerable())
        {
            seen.Add(order.Id);
            // More distinct statements than a connection keeps, while the outer query is still being read.
            for (var i = 0; i < SqliteStatementCache.MaxPerConnection + 10; i++)
            {
                var distinct = "SELECT " + i + " AS \"Value\"";
                Assert.Equal(i, await inner.Database.SqlQueryRaw<int>(distinct).SingleAsync());
            }
            Assert.InRange(SqliteStatementCache.Instance.PreparedOn(connection), 1, SqliteStatementCache.MaxPerConnection);
        }

        Assert.Equal(ids, seen);
    }
}
