using Automation.Workflows.Persistence;
using Automation.Workflows.Persistence.Rows;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Tests.Runtime;

/// How a step's rows reach SQLite: plain prepared commands on one writer connection, the journal as one batch, and
/// write-ahead log checkpoints in the background.
public sealed class StepPersistenceTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.SqliteAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task PublishFiveAsync() => PublishFiveAsync(_h);

    private static Task PublishFiveAsync(EngineHarness h) => h.PublishAsync(Flow.Json("five", [("start", "Elsa.Start", null),
        .. Enumerable.Range(1, 5).Select(i => ($"a{i}", "Elsa.WriteLine", (object?)new { text = $"step {i}: «ünïcødé» \"quoted\" \\ {{ }}" }))],
        "start->a1", "a1->a2", "a2->a3", "a3->a4", "a4->a5"));

    /// Both providers unpack one JSON array of lines in one statement.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Journal_lines_written_as_one_batch_keep_their_order_and_their_data(bool postgres)
    {
        await using var postgresHarness = postgres ? await EngineHarness.PostgresAsync() : null;
        var h = postgresHarness ?? _h;
        await PublishFiveAsync(h);

        var run = await h.Engine.StartAsync(new StartWorkflow("five", "order-7"));

        Assert.Equal(["start:Completed", "a1:Completed", "a2:Completed", "a3:Completed", "a4:Completed", "a5:Completed"],
            await h.JournalAsync(run.InstanceId));
        var line = await h.JournalEntryAsync(run.InstanceId, "a3");
        Assert.Equal(("order-7", "Elsa.WriteLine", "a3"), (line.CorrelationId, line.ActivityType, line.ActivityName));
        Assert.Equal("step 3: «ünïcødé» \"quoted\" \\ { }", System.Text.Json.Nodes.JsonNode.Parse(line.Data!)!["text"]!.GetValue<string>());
        Assert.True(line.FinishedAt >= line.StartedAt);
        Assert.Null(line.Message);
    }

    [Fact]
    public async Task A_step_whose_commit_fails_leaves_nothing_behind_and_the_next_step_commits_normally()
    {
        await PublishFiveAsync();
        var first = await _h.Engine.StartAsync(new StartWorkflow("five"));

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(
            () => _h.Engine.StartAsync(new StartWorkflow("five") { InstanceId = first.InstanceId }));
        var second = await _h.Engine.StartAsync(new StartWorkflow("five"));

        Assert.Equal(6, (await _h.JournalAsync(first.InstanceId)).Count);
        Assert.Equal(WorkflowStatus.Finished, second.Status);
        Assert.Equal(6, (await _h.JournalAsync(second.InstanceId)).Count);
    }

    [Fact]
    public async Task A_committed_unit_of_work_has_given_its_connection_back()
    {
        await using var work = await _h.Database.BeginAsync();
        await work.CommitAsync();

        Assert.Throws<InvalidOperationException>(() => work.Connection);
        await using var next = await _h.Database.BeginAsync();
        Assert.Equal(System.Data.ConnectionState.Open, next.Connection.State);
    }

    [Fact]
    public async Task A_step_written_over_a_revision_that_is_no_longer_current_is_a_concurrency_conflict()
    {
        await _h.PublishAsync(Flow.Json("waiter", [("start", "Elsa.Start", null), ("wait", "Elsa.Event", new { eventName = "paid" })], "start->wait"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("waiter"));

        await using var work = await _h.Database.BeginAsync();
        var record = (await InstanceRows.LoadAsync(work, started.InstanceId, default))!;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => InstanceRows.UpdateAsync(work, record, record.Revision - 1, default));
    }

    [Fact]
    public async Task Commits_leave_write_ahead_log_checkpoints_to_the_background_and_the_log_is_copied_whole()
    {
        await PublishFiveAsync();
        var checkpointer = _h.Database.Checkpointer!;

        for (var i = 0; i < WalCheckpointer.CommitsPerCheckpoint + 10; i++) await _h.Engine.StartAsync(new StartWorkflow("five"));
        for (var waited = 0; checkpointer.Completed == 0 && waited < 100; waited++) await Task.Delay(100);

        Assert.True(checkpointer.Completed >= 1);
        var (log, checkpointed) = await checkpointer.CheckpointAsync();
        Assert.Equal(log, checkpointed);
        await using var connection = (SqliteConnection)await _h.Database.OpenConnectionAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM wf_instances";
        Assert.Equal(WalCheckpointer.CommitsPerCheckpoint + 10L, (long)(await count.ExecuteScalarAsync())!);
    }

    // Under load some reader always has a snapshot open, so a passive checkpoint never lets SQLite start the log over:
    // it grew to gigabytes in the end-to-end benchmark. The checkpointer must restart it however busy the readers are.
    [Fact]
    public async Task The_write_ahead_log_is_started_over_while_readers_never_pause()
    {
        await PublishFiveAsync();
        var wal = new SqliteConnectionStringBuilder(_h.Database.ConnectionString).DataSource + "-wal";
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            await Task.Delay(i * 3);
            await using var connection = (SqliteConnection)await _h.Database.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                using var read = connection.BeginTransaction(deferred: true);
                await using var count = connection.CreateCommand();
                count.CommandText = "SELECT COUNT(*) FROM wf_instances";
                await count.ExecuteScalarAsync();
                await Task.Delay(8);
            }
        })).ToList();

        long largest = 0;
        for (var i = 0; i < WalCheckpointer.CommitsPerCheckpoint * 12; i++)
        {
            await _h.Engine.StartAsync(new StartWorkflow("five"));
            if (i % 100 == 0) largest = Math.Max(largest, new FileInfo(wal).Length);
        }
        stop.Cancel();
        await Task.WhenAll(readers);

        // 6,000 commits of ~10 pages write some 240 MB of log (all of it stayed in the file before); started over, the
        // file holds little more than the truncation threshold.
        Assert.InRange(largest, 1, _h.Database.Checkpointer!.RestartFrames * 4096L * 2);
    }
    // The log file is normally reused when it starts over, not truncated (truncating held the write gate three to ten
    // times longer); a reader that kept it from starting over for a while must not leave it at its largest forever.
    [Fact]
    public async Task A_log_file_grown_past_its_limit_behind_a_long_reader_is_cut_back_once_it_starts_over()
    {
        var wal = new SqliteConnectionStringBuilder(_h.Database.ConnectionString).DataSource + "-wal";
        var limit = _h.Database.Checkpointer!.RestartFrames * 4096L * 2;
        await CommitAsync("CREATE TABLE ballast (data BLOB NOT NULL)");
        long grown;
        await using (var reader = (SqliteConnection)await _h.Database.OpenConnectionAsync())
        {
            using var snapshot = reader.BeginTransaction(deferred: true);
            await using (var read = reader.CreateCommand())
            {
                read.CommandText = "SELECT COUNT(*) FROM ballast";
                await read.ExecuteScalarAsync();
            }
            // A megabyte per commit while the reader's snapshot pins the whole log.
            while (new FileInfo(wal).Length <= limit + (8 << 20))
                await CommitAsync("INSERT INTO ballast (data) VALUES (randomblob(1048576))");
            grown = new FileInfo(wal).Length;
        }

        // Small commits go on; every CommitsPerCheckpoint of them the checkpointer copies the log and, the reader gone,
        // truncates it (a log this long). Copying some 70 MB takes a while on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (new FileInfo(wal).Length > limit && DateTime.UtcNow < deadline)
        {
            await CommitAsync("INSERT INTO ballast (data) VALUES (x'00')");
            await Task.Delay(1);
        }

        Assert.InRange(new FileInfo(wal).Length, 0, limit); // 0 right after a truncation
        Assert.True(grown > limit, $"the log grew to {grown} bytes behind the reader");
    }

    private async Task CommitAsync(string sql)
    {
        await using var work = await _h.Database.BeginAsync();
        await using var command = work.Connection.CreateCommand();
        command.Transaction = work.Transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        await work.CommitAsync();
    }
}
