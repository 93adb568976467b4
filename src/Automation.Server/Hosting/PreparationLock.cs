using System.Data.Common;
using Automation.Workflows.Persistence;

namespace Automation.Server.Hosting;

/// A PostgreSQL session advisory lock held while one node prepares the shared database (migrations, Quartz's tables,
/// the workflow files, the seeded employees) or publishes changed workflow files; the next node waits and then finds
/// everything done. The lock goes with
/// its connection, so a node killed while holding it lets the others go on. Nothing to hold on SQLite (one node).
public sealed class PreparationLock : IAsyncDisposable
{
    // Any fixed 64-bit key the service owns: "automati" in ASCII.
    private const long Key = 0x6175746F6D617469;

    private readonly DbConnection? _connection;

    private PreparationLock(DbConnection? connection) => _connection = connection;

    public static async Task<PreparationLock> AcquireAsync(WorkflowDatabase database, CancellationToken ct)
    {
        if (database.Provider != DatabaseProvider.PostgreSql) return new PreparationLock(null);
        var connection = await database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT pg_advisory_lock({Key})";
            command.CommandTimeout = 0; // waits for the node ahead, however long its migrations take
            await command.ExecuteNonQueryAsync(ct);
            return new PreparationLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is null) return;
        try
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT pg_advisory_unlock({Key})";
            await command.ExecuteNonQueryAsync();
        }
        catch
        {
            // The pool does not reset connections given back (WorkflowDatabase.WithPoolDefaults): one that may still
            // hold the lock is closed instead, which ends its session and the lock with it.
            if (_connection is Npgsql.NpgsqlConnection npgsql) Npgsql.NpgsqlConnection.ClearPool(npgsql);
            throw;
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
