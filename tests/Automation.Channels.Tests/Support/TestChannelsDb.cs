using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Workflows.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Channels.Tests.Support;

/// A freshly migrated channels database for one test, on a SQLite file or a PostgreSQL database.
public sealed class TestChannelsDb : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private TestChannelsDb(DatabaseProvider provider, TestDatabase database)
    {
        Provider = provider;
        _database = database;
    }

    /// The providers every database test runs on.
    public static TheoryData<DatabaseProvider> Providers => new(DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql);

    public DatabaseProvider Provider { get; }
    public string ConnectionString => _database.ConnectionString;
    public ManualClock Clock { get; } = new();
    public MessageOutbox Outbox => new(Clock);

    public static async Task<TestChannelsDb> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var database = provider == DatabaseProvider.Sqlite ? TestDatabases.NewSqliteFile() : await TestDatabases.PostgresAsync();
        try
        {
            await ChannelsDatabase.MigrateAsync(database.ConnectionString, provider);
            return new TestChannelsDb(provider, database);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public ChannelsDb Db() => ChannelsDb.Create(ConnectionString, Provider);

    public OutboxSender Sender(IEnumerable<IOutboxChannel> channels, IOutboxObserver? observer = null, OutboxOptions? options = null) =>
        new(Db, channels, observer ?? NoOutboxObserver.Instance, options ?? new OutboxOptions(), Clock, NullLogger<OutboxSender>.Instance);

    public async Task<OutboxMessage> EnqueueAsync(OutboxMessage message)
    {
        await using var db = Db();
        return (await Outbox.EnqueueAsync(db, message)).Message;
    }

    public async Task<OutboxMessage> MessageAsync(long id)
    {
        await using var db = Db();
        return await MessageOutbox.FindAsync(db, id) ?? throw new InvalidOperationException($"No outbox message {id}.");
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        return ValueTask.CompletedTask;
    }
}
