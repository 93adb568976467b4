using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Automation.Orders.Persistence;

/// Runs EF Core's commands on SQLite through statements prepared once per connection. EF Core creates a new command
/// for every execution, and Microsoft.Data.Sqlite compiles a new command's SQL anew: on the event path that
/// compiling was a tenth of the writer's time, for the same dozen statements over and over. The cache keeps one
/// prepared command per SQL text on each open connection (the writer and the readers are kept open), binds the EF
/// command's parameter values to it and runs it instead. A connection's cache is dropped when the connection closes,
/// so a statement never outlives the connection it was prepared on.
internal sealed class SqliteStatementCache : DbCommandInterceptor
{
    /// Commands kept per connection; past it the cache starts over (an app has a bounded set of statements).
    public const int MaxPerConnection = 256;

    public static SqliteStatementCache Instance { get; } = new();

    private readonly ConditionalWeakTable<SqliteConnection, Prepared> _connections = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Take(command) is { } prepared ? InterceptionResult<DbDataReader>.SuppressWithResult(prepared.Reader()) : result;

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Take(command) is { } prepared ? InterceptionResult<int>.SuppressWithResult(prepared.Command.ExecuteNonQuery()) : result;

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(NonQueryExecuting(command, eventData, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Take(command) is { } prepared ? InterceptionResult<object>.SuppressWithResult(prepared.Command.ExecuteScalar()!) : result;

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ScalarExecuting(command, eventData, result));

    /// How many statements are prepared on a connection (for tests).
    internal int PreparedOn(SqliteConnection connection) => _connections.TryGetValue(connection, out var prepared) ? prepared.Count : 0;

    /// How many statements run through SQLitePCL directly are prepared on a connection (for tests).
    internal int RawOn(SqliteConnection connection) => _connections.TryGetValue(connection, out var prepared) ? prepared.RawCount : 0;

    /// The prepared twin of an EF command, bound to the command's parameter values and transaction; null when EF Core is
    /// to run the command itself.
    private Prepared.Entry? Take(DbCommand command)
    {
        if (command is not SqliteCommand { Connection: { State: ConnectionState.Open } connection } sqlite) return null;
        var entry = On(connection).For(sqlite.CommandText);
        if (!entry.IsFree()) return null;
        entry.Bind(sqlite);
        return entry;
    }

    /// The statement prepared for this SQL on an open connection, for callers that bind their own parameters and run
    /// it to completion (no reader left open); made and prepared on first use.
    public SqliteCommand Statement(SqliteConnection connection, string sql)
    {
        var entry = On(connection).For(sql);
        if (!entry.IsFree()) throw new InvalidOperationException($"The prepared statement for '{sql}' is still being read.");
        return entry.Command;
    }

    /// The statement prepared for this SQL on an open connection, run through SQLitePCL directly (parameters named
    /// `@p0`, `@p1`, …); made and prepared on first use.
    public SqliteRawStatement Raw(SqliteConnection connection, string sql) => On(connection).Raw(sql);

    private Prepared On(SqliteConnection connection)
    {
        if (_connections.TryGetValue(connection, out var prepared)) return prepared;
        prepared = new Prepared(connection);
        _connections.Add(connection, prepared);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState != ConnectionState.Open && _connections.TryGetValue(connection, out var dropped))
            {
                _connections.Remove(connection);
                dropped.Dispose();
            }
        };
        return prepared;
    }

    /// The prepared commands of one connection, by SQL text.
    private sealed class Prepared(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, Entry> _commands = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SqliteRawStatement> _raw = new(StringComparer.Ordinal);

        public int Count => _commands.Count;

        public int RawCount => _raw.Count;

        public SqliteRawStatement Raw(string sql)
        {
            if (_raw.TryGetValue(sql, out var statement)) return statement;
            if (_raw.Count >= MaxPerConnection) DropRaw();
            statement = SqliteRawStatement.Prepare(connection, sql);
            _raw[sql] = statement;
            return statement;
        }

        private void DropRaw()
        {
            foreach (var statement in _raw.Values) statement.Dispose();
            _raw.Clear();
        }

        public Entry For(string sql)
        {
            if (!_commands.TryGetValue(sql, out var entry))
            {
                if (_commands.Count >= MaxPerConnection) DropFree();
                entry = new Entry(connection.CreateCommand());
                entry.Command.CommandText = sql;
                _commands[sql] = entry;
            }
            return entry;
        }

        // Past the bound: every statement no reader is still reading is dropped.
        private void DropFree()
        {
            foreach (var (text, entry) in _commands)
            {
                if (!entry.IsFree()) continue;
                entry.Command.Dispose();
                _commands.Remove(text);
            }
        }

        public void Dispose()
        {
            foreach (var entry in _commands.Values) entry.Command.Dispose();
            _commands.Clear();
            DropRaw();
        }

        public sealed class Entry(SqliteCommand command)
        {
            private SqliteDataReader? _reader;

            public SqliteCommand Command { get; } = command;

            /// False while a reader of this command is still open (the same query run again while its first run is still
            /// being read): EF Core then runs its own command.
            public bool IsFree() => _reader is null || _reader.IsClosed;

            public DbDataReader Reader() => _reader = Command.ExecuteReader();

            public void Bind(SqliteCommand source)
            {
                Command.Transaction = source.Transaction;
                Command.CommandTimeout = source.CommandTimeout;
                // Fresh parameters: one bound before must not lend its state (an explicit size) to the next binding. The
                // size is copied for text and blobs only: for other values SqliteParameter reports 0, which would truncate
                // a value it converts to text (a decimal) to nothing.
                Command.Parameters.Clear();
                foreach (SqliteParameter parameter in source.Parameters)
                {
                    var copy = Command.Parameters.Add(parameter.ParameterName, parameter.SqliteType);
                    copy.Value = parameter.Value;
                    if (parameter.Value is string or byte[]) copy.Size = parameter.Size;
                }
            }
        }
    }
}
