using Automation.Workflows.Persistence.Rows;
using Microsoft.Data.Sqlite;

namespace Automation.Workflows.Persistence;

/// The one connection SQLite steps write through, kept open with its hot-path statements prepared. Used only by the
/// holder of the write gate. It never checkpoints on commit: <see cref="WalCheckpointer"/> does that off the commit path.
internal sealed class SqliteWriter : IAsyncDisposable
{
    private SqliteWriter(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }
    public CommandCache Commands { get; } = new();

    public static async Task<SqliteWriter> OpenAsync(string connectionString, CancellationToken ct)
    {
        // Its own handle, not a pooled one: the prepared statements live as long as this connection does.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(ct);
            await using var pragma = connection.CreateCommand();
            // NORMAL under WAL: a commit survives a process crash without an fsync; checkpoints sync the database file.
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=0;";
            await pragma.ExecuteNonQueryAsync(ct);
            return new SqliteWriter(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Commands.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
