using System.Data.Common;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Automation.Orders.Tests.Fixtures;

/// A freshly migrated store database for one test, on a SQLite file or a PostgreSQL database.
public sealed class TestStore : IAsyncDisposable
{
    private readonly TestDatabase database;

    private TestStore(DatabaseProvider provider, TestDatabase database)
    {
        Provider = provider;
        this.database = database;
    }

    /// The providers every database test runs on.
    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql);

    public DatabaseProvider Provider { get; }
    public string ConnectionString => database.ConnectionString;
    public ManualClock Clock { get; } = new();

    public static async Task<TestStore> CreateAsync(DatabaseProvider provider)
    {
        var database = provider == DatabaseProvider.Sqlite ? TestDatabases.NewSqliteFile() : await TestDatabases.PostgresAsync();
        try
        {
            await StoreDatabase.MigrateAsync(database.ConnectionString, provider, CancellationToken.None);
            return new TestStore(provider, database);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// A new context with its own connection, as each request or processor has.
    public StoreDb Db() => StoreDb.Create(ConnectionString, Provider);

    public OrderBook Orders(StoreDb db) => new(db, Clock);

    /// A connection owned by the test, as another module's unit of work would own it.
    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = Provider == DatabaseProvider.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// A saved order for client Ann with two items (amount 100.00 EUR) and two shipments.
    public async Task<Order> NewOrderAsync(string status = "new", string email = "ann@example.com", string phone = "+47 400 00 001")
    {
        await using var db = Db();
        return await Orders(db).CreateAsync(new NewOrder
        {
            Client = new NewClient("Ann Smith", email, phone),
            Status = status,
            Currency = "EUR",
            Items = [new OrderItem("Teapot", "TP-1", 1, 60m), new OrderItem("Cup", null, 2, 20m)],
            Shipments = [new("courier"), new("post")],
        }, CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            using var pooled = new SqliteConnection(ConnectionString);
            SqliteConnection.ClearPool(pooled);
        }
        database.Dispose();
        return ValueTask.CompletedTask;
    }
}
