using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Automation.Workflows.Persistence;

/// The database the engine and the modules beside it share: opens connections, hands out step units of work, and
/// applies migrations. On SQLite, which has one writer, units of work take turns at it (SqliteWriter) instead of
/// spinning on SQLITE_BUSY.
public sealed class WorkflowDatabase : IAsyncDisposable
{
    // Pooled SQLite handles keep their PRAGMAs; a handle seen here was configured when it was first opened.
    private static readonly ConditionalWeakTable<object, object> Configured = new();

    // SqliteConnection.Handle, read without naming its SQLitePCLRaw type (this build pins an older SQLitePCLRaw).
    private static readonly Func<SqliteConnection, object?> HandleOf =
        typeof(SqliteConnection).GetProperty("Handle")!.GetMethod!.CreateDelegate<Func<SqliteConnection, object?>>();

    // Idle readers kept open beyond this many are closed: enough for the resumes of a busy node, bounded whatever the load.
    private const int KeptReaders = 8;

    private readonly Dictionary<Type, Func<DbConnection, DatabaseProvider, DbContext>> _participants = [];
    private readonly NpgsqlDataSource? _postgres;
    private readonly NpgsqlDataSource? _autonomous;
    private readonly SqliteWriter? _writer;
    private readonly ConcurrentBag<KeptSqliteConnection> _readers = [];

    /// How long SQLite's write-ahead log may grow before a checkpoint starts it over, by default (see WalCheckpointer).
    public const long DefaultSqliteLogLimitBytes = 128L << 20;

    /// sqliteLogLimitBytes: how long SQLite's write-ahead log may grow before it is started over.
    public WorkflowDatabase(DatabaseProvider provider, string connectionString, long sqliteLogLimitBytes = DefaultSqliteLogLimitBytes)
    {
        Provider = provider;
        ConnectionString = provider == DatabaseProvider.Sqlite ? NormaliseSqlite(connectionString) : connectionString;
        if (provider == DatabaseProvider.PostgreSql)
        {
            var pooled = WithPoolDefaults(ConnectionString);
            _postgres = NpgsqlDataSource.Create(pooled);
            _autonomous = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(pooled) { MaxPoolSize = AutonomousConnections }.ConnectionString);
        }
        else _writer = new SqliteWriter(ConnectionString, sqliteLogLimitBytes);
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// The SQLite write-ahead log's checkpoints (null on PostgreSQL).
    internal WalCheckpointer? Checkpointer => _writer?.Checkpointer;

    /// SQLite's writer (null on PostgreSQL).
    internal SqliteWriter? SqliteWriter => _writer;

    /// Lets another module's DbContext (e.g. the store's) take part in every step's transaction.
    public void AddParticipant<T>(Func<DbConnection, DatabaseProvider, T> factory) where T : DbContext =>
        _participants[typeof(T)] = factory;

    internal DbContext CreateParticipant(Type type, DbConnection connection) =>
        _participants.TryGetValue(type, out var factory)
            ? factory(connection, Provider)
            : throw new InvalidOperationException($"{type.Name} is not registered with the workflow database (AddParticipant).");

    /// Pooled PostgreSQL connections opened while a unit of work of the same flow held one (for tests; should stay 0). A
    /// unit that waits for a second connection can wait for ever once every connection of the pool is held by a unit
    /// doing the same: work inside a unit goes through the unit's connection.
    internal int OpenedInsideUnit => Volatile.Read(ref _openedInsideUnit);

    private int _openedInsideUnit;

    private async ValueTask<NpgsqlConnection> OpenPooledAsync(NpgsqlDataSource postgres, CancellationToken ct)
    {
        if (StepUnitOfWork.OpenInThisFlow) Interlocked.Increment(ref _openedInsideUnit);
        return await postgres.OpenConnectionAsync(ct);
    }

    /// PostgreSQL: a connection of a small pool of its own for one statement that commits by itself while the caller's
    /// unit of work stays open (a counter drawn by several nodes at once: see CodeCounters). Its own pool, so that a
    /// unit waiting for one never waits for a connection another unit holds; it is given back at once. Null on SQLite,
    /// whose one writer the open unit already holds.
    public async Task<DbConnection?> OpenAutonomousAsync(CancellationToken ct = default) =>
        _autonomous is null ? null : await _autonomous.OpenConnectionAsync(ct);

    // Statements that commit by themselves take well under a millisecond; a few connections serve a node.
    private const int AutonomousConnections = 8;

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await OpenPooledAsync(_postgres, ct);
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        if (HandleOf(connection) is { } handle && !Configured.TryGetValue(handle, out _))
        {
            await using var pragma = connection.CreateCommand();
            // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, which WAL keeps crash-safe.
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
            await pragma.ExecuteNonQueryAsync(ct);
            Configured.AddOrUpdate(handle, handle);
        }
        return connection;
    }

    /// Starts the database work of one step; nothing is visible to others until <see cref="StepUnitOfWork.CommitAsync"/>.
    public Task<StepUnitOfWork> BeginAsync(CancellationToken ct = default) => StepUnitOfWork.BeginAsync(this, ct);

    /// The connection and transaction a unit of work writes through: a share of SQLite's writer, or a pooled PostgreSQL
    /// connection with a transaction of its own.
    internal async Task<WriteSession> OpenWriteSessionAsync(CancellationToken ct) =>
        _postgres is not null ? await PooledWriteSession.BeginAsync(await OpenPooledAsync(_postgres, ct), ct) : await _writer!.BeginAsync(ct);

    /// A connection for reads outside a step (request handlers, the engine's hot path): a kept SQLite reader, or a
    /// pooled PostgreSQL connection. A kept reader keeps the statements prepared on it, by the engine and by EF Core
    /// (SqliteStatementCache), from one read to the next; a connection opened per read prepared every query anew.
    public async Task<ReadSession> OpenReadSessionAsync(CancellationToken ct = default)
    {
        if (_postgres is not null)
        {
            var pooled = await OpenPooledAsync(_postgres, ct);
            return new ReadSession(pooled, null, async _ => await pooled.DisposeAsync());
        }
        if (!_readers.TryTake(out var reader)) reader = await KeptSqliteConnection.OpenAsync(ConnectionString, ct);
        return new ReadSession(reader.Connection, reader.Commands, async healthy =>
        {
            if (healthy && _readers.Count < KeptReaders) _readers.Add(reader);
            else await reader.DisposeAsync();
        });
    }

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

    /// Closes SQLite's writer connection (checkpointing what it wrote) or PostgreSQL's pool.
    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_autonomous is not null) await _autonomous.DisposeAsync();
        if (_writer is not null) await _writer.DisposeAsync();
        while (_readers.TryTake(out var reader)) await reader.DisposeAsync();
    }

    /// Two pool settings the event path needs, off by default in Npgsql; a connection string that sets one keeps its value.
    /// - Max Auto Prepare: a statement run a few times on a connection is prepared on the server, so that PostgreSQL
    ///   parses and plans the event path's statements once per connection instead of on every run.
    /// - No Reset On Close: a connection given back to the pool is not reset. The reset is seven statements
    ///   (RESET ALL, DISCARD TEMP, UNLISTEN *, …) that PostgreSQL ran before the next use, twice per payment; this
    ///   service leaves no session state behind (no SET, temporary tables or LISTEN; the one advisory lock, the
    ///   preparation lock, is unlocked explicitly, or its connection is closed).
    internal static string WithPoolDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = AutoPrepared;
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    // Statements prepared per PostgreSQL connection: the event path runs a few dozen distinct ones.
    private const int AutoPrepared = 128;

    private static string NormaliseSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (Path.GetDirectoryName(Path.GetFullPath(builder.DataSource)) is { } directory) Directory.CreateDirectory(directory);
        return builder.ToString();
    }
}
