using System.Data.Common;
using Automation.Workflows.Persistence.Rows;

namespace Automation.Workflows.Persistence;

/// The connection and transaction one unit of work writes through, from its start to its commit or rollback. On
/// SQLite a share of the database's single writer (<see cref="SqliteWriter"/>); on PostgreSQL a pooled connection
/// with a transaction of its own.
internal abstract class WriteSession
{
    public abstract DbConnection Connection { get; }

    /// The transaction every command and context of the unit runs in.
    public abstract DbTransaction Transaction { get; }

    /// Prepared hot-path commands that outlive the session (SQLite's writer); null when commands are made per use.
    public abstract CommandCache? Commands { get; }

    /// Whether the session has given its connection back (committed, rolled back, or failed).
    public abstract bool Ended { get; }

    /// Makes the unit's work durable; when it returns, what the unit wrote is committed and visible to every reader.
    /// When it throws, nothing the unit wrote is stored.
    public abstract Task CommitAsync(CancellationToken ct);

    /// Gives the connection back, rolling back whatever was not committed. Callers must have let go of everything
    /// they made on the connection (commands, contexts) first: on SQLite the next unit may use it at once.
    public abstract ValueTask EndAsync();
}

/// PostgreSQL: a pooled connection and a transaction of its own for each unit.
internal sealed class PooledWriteSession : WriteSession
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private bool _committed;
    private bool _ended;

    private PooledWriteSession(DbConnection connection, DbTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<WriteSession> BeginAsync(DbConnection connection, CancellationToken ct)
    {
        try
        {
            return new PooledWriteSession(connection, await connection.BeginTransactionAsync(ct));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override DbConnection Connection => _connection;
    public override DbTransaction Transaction => _transaction;
    public override CommandCache? Commands => null;
    public override bool Ended => _ended;

    public override async Task CommitAsync(CancellationToken ct)
    {
        await _transaction.CommitAsync(ct);
        _committed = true;
        await EndAsync();
    }

    public override async ValueTask EndAsync()
    {
        if (_ended) return;
        _ended = true;
        try
        {
            if (!_committed) await _transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // The pool drops a broken connection when it is given back.
        }
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
