using Microsoft.Data.Sqlite;

namespace Automation.Workflows.Persistence;

/// Checkpoints SQLite's write-ahead log in the background, so that no commit pays for copying the log into the
/// database and syncing it (SQLite's automatic checkpoint runs inside the commit that crosses its threshold). A
/// passive pass copies the bulk without blocking anyone. A passive pass never starts the log over, though, and under
/// load some reader always holds a snapshot in it, so SQLite never does either: the log grew to gigabytes in the
/// end-to-end benchmark. So when the log has grown long, a second pass under the write gate copies the rest and
/// starts the log over (RESTART); it waits for the readers still inside the log (new readers read the database file
/// once everything is copied), at most <see cref="RestartWait"/>, and otherwise leaves it to the next round.
/// RESTART, not TRUNCATE: the next commits overwrite the file from its start. Truncating it instead held the gate
/// 13–19 ms (against 1.5–5 ms) and made the file grow back block by block; with a pass every ~200 order events, that
/// stall was the p99 of the end-to-end benchmark at 500 events/s (40 ms against 15 ms). A restart takes effect at the
/// next commit, though, and only if no reader has entered the log again by then; on a busy machine that can keep
/// failing, so once the log is half as long again as <see cref="RestartFrames"/> the pass truncates it, which starts
/// it over at once.
/// The restarting pass syncs the database file while every commit waits (3–90 ms measured on a shared machine), so how
/// often it comes is a share of the p99: with a 32 MB log it came every ~340 payments, 67 times in a latency run of the
/// end-to-end benchmark (seeding, warm-up, 20 s at 500 events/s); with 128 MB (the default,
/// WorkflowDatabase.DefaultSqliteLogLimitBytes) 18 times, and the p99 of alternating runs went from 19–275 ms (median
/// 47) to 15–164 ms (median 19). The log file keeps the size it reached (up to half as much again).
internal sealed class WalCheckpointer(string connectionString, SqliteWriter writer, long logLimitBytes)
{
    /// Commits between checkpoints: a step writes some ten pages (an order event some twenty-five), so a passive pass
    /// copies a few megabytes at a time and the log is looked at often enough to be started over close to <see cref="RestartFrames"/>.
    public const int CommitsPerCheckpoint = 100;

    /// Log frames (of 4 KB pages) above which the checkpoint is finished under the gate and the log started over: that
    /// pass syncs the database file while commits wait, so it should come seldom; the passive passes keep what it has
    /// left to copy small.
    public long RestartFrames { get; } = Math.Max(1, logLimitBytes / 4096);

    /// Log frames past which restarts evidently did not take, and the pass truncates the log instead.
    public long TruncateFrames => RestartFrames * 3 / 2;

    /// How long the restarting pass waits for readers still inside the log, while commits wait for it.
    public static readonly TimeSpan RestartWait = TimeSpan.FromMilliseconds(500);

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
    public Task<(long Log, long Checkpointed)> CheckpointAsync(CancellationToken ct = default) =>
        RunCheckpointAsync("PASSIVE", TimeSpan.Zero, ct);

    private async Task<(long Log, long Checkpointed)> RunCheckpointAsync(string mode, TimeSpan busyWait, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={(int)busyWait.TotalMilliseconds};";
        await command.ExecuteNonQueryAsync(ct);
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    private async Task RunAsync()
    {
        try
        {
            var (log, _) = await CheckpointAsync();
            if (log >= RestartFrames)
            {
                // Once more outside the gate: what was committed while the first pass copied and synced (150–350 frames
                // at 500 payments/s) would otherwise be copied and synced while every commit waits. With this pass the
                // hold measured 0.9–13 ms (median 3) against 3–16 ms (median 9).
                await CheckpointAsync();
                // Under the gate, once the writer's open transaction is committed (SqliteWriter.HoldAsync).
                await using (await writer.HoldAsync())
                {
                    // Copy what is left and wait (busy_timeout) for readers still inside the log; then RESTART lets the
                    // next commit write the log from its start, TRUNCATE empties it now.
                    await RunCheckpointAsync(log >= TruncateFrames ? "TRUNCATE" : "RESTART", RestartWait, default);
                }
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
