using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Automation.Workflows.Persistence;

/// The database the engine and the modules beside it share: opens connections, hands out step units of work, and
/// applies migrations. On SQLite, which has one writer, commits pass one at a time through an in-process gate
/// instead of spinning on SQLITE_BUSY.
public sealed class WorkflowDatabase
{
    private readonly Dictionary<Type, Func<DbConnection, DatabaseProvider, DbContext>> _participants = [];
    private readonly NpgsqlDataSource? _postgres;

    public WorkflowDatabase(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = provider == DatabaseProvider.Sqlite ? NormaliseSqlite(connectionString) : connectionString;
        if (provider == DatabaseProvider.PostgreSql) _postgres = NpgsqlDataSource.Create(ConnectionString);
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// Serialises SQLite write transactions within this process; PostgreSQL needs no gate.
    internal SemaphoreSlim? WriteGate { get; } = new(1, 1);

    /// Lets another module's DbContext (e.g. the store's) take part in every step's transaction.
    public void AddParticipant<T>(Func<DbConnection, DatabaseProvider, T> factory) where T : DbContext =>
        _participants[typeof(T)] = factory;

    internal DbContext CreateParticipant(Type type, DbConnection connection) =>
        _participants.TryGetValue(type, out var factory)
            ? factory(connection, Provider)
            : throw new InvalidOperationException($"{type.Name} is not registered with the workflow database (AddParticipant).");

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which WAL keeps crash-safe.
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// Starts the database work of one step; nothing is visible to others until <see cref="StepUnitOfWork.CommitAsync"/>.
    public Task<StepUnitOfWork> BeginAsync(CancellationToken ct = default) => StepUnitOfWork.BeginAsync(this, ct);

    /// Applies the engine's migrations (and puts a SQLite file in WAL mode).
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenConnectionAsync(ct);
        if (Provider == DatabaseProvider.Sqlite)
        {
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(ct);
        }
        await using var db = WorkflowDb.Create(connection, Provider);
        await db.Database.MigrateAsync(ct);
    }

    private static string NormaliseSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory) Directory.CreateDirectory(directory);
        return builder.ToString();
    }
}
