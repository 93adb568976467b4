using Automation.Workflows.Persistence.Rows;
using Microsoft.Data.Sqlite;

namespace Automation.Workflows.Persistence;

/// A SQLite connection kept open with its hot-path statements prepared, used by one caller at a time: the writer
/// (by the holder of the write gate) or one of the kept readers. It never checkpoints on commit:
/// <see cref="WalCheckpointer"/> does that off the commit path.
internal sealed class KeptSqliteConnection : IAsyncDisposable
{
    private KeptSqliteConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }
    public CommandCache Commands { get; } = new();

    public static async Task<KeptSqliteConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        // Its own handle, not a pooled one: the prepared statements live as long as this connection does.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(ct);
            await using var pragma = connection.CreateCommand();
            // NORMAL under WAL: a commit survives a process crash without an fsync; checkpoints sync the database file.
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint=0; PRAGMA temp_store=MEMORY;";
            await pragma.ExecuteNonQueryAsync(ct);
            return new KeptSqliteConnection(connection);
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
