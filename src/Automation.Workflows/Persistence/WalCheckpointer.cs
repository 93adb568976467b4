using Microsoft.Data.Sqlite;

namespace Automation.Workflows.Persistence;

/// Checkpoints SQLite's write-ahead log in the background, so that no commit pays for copying the log into the
/// database and syncing it (SQLite's automatic checkpoint runs inside the commit that crosses its threshold). A
/// passive pass copies the bulk without blocking anyone; when the log has grown long, a short second pass under the
/// write gate finishes it, so that the next commit starts the log over instead of letting it grow without end.
internal sealed class WalCheckpointer(string connectionString, SemaphoreSlim gate)
{
    /// Commits between checkpoints: a step writes some ten pages, so the log stays in the tens of megabytes.
    public const int CommitsPerCheckpoint = 500;

    /// Log frames (64 MB) above which the checkpoint is finished under the gate: that pass syncs the database file
    /// while commits wait, so it should come seldom; the passive passes keep what it has left to copy small.
    private const int RestartFrames = 16_384;

    // ReadWrite: a checkpoint must never create a database file that was deleted meanwhile.
    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();
    private int _commits;
    private int _running;
    private int _completed;

    /// Background checkpoints that ran to the end (for tests and diagnostics).
    public int Completed => Volatile.Read(ref _completed);

    /// Counts a commit of the writer; every <see cref="CommitsPerCheckpoint"/> commits starts a checkpoint unless one runs.
    public void Committed()
    {
        if (Interlocked.Increment(ref _commits) % CommitsPerCheckpoint != 0) return;
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        _ = Task.Run(RunAsync);
    }

    /// One checkpoint now; returns the log's frame count and how many of them are in the database.
    public async Task<(long Log, long Checkpointed)> CheckpointAsync(CancellationToken ct = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    private async Task RunAsync()
    {
        try
        {
            var (log, checkpointed) = await CheckpointAsync();
            if (log >= RestartFrames && checkpointed < log)
            {
                await gate.WaitAsync();
                try { await CheckpointAsync(); }
                finally { gate.Release(); }
            }
            Interlocked.Increment(ref _completed);
        }
        catch (SqliteException)
        {
            // The next checkpoint catches up; a checkpoint that fails loses nothing (the log still holds every commit).
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
