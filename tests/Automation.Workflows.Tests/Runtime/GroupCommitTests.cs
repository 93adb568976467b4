using Automation.Workflows.Persistence;
using Microsoft.Data.Sqlite;

namespace Automation.Workflows.Tests.Runtime;

/// SQLite's writer commits the units of work that queue for it together (SqliteWriter): one commit, each unit told only
/// once it is stored, a failing unit taking back its own work only, and a failed commit failing every unit of its group.
public sealed class GroupCommitTests : IAsyncLifetime
{
    private EngineHarness _h = null!;
    private SqliteWriter Writer => _h.Database.SqliteWriter!;

    public async Task InitializeAsync()
    {
        _h = await EngineHarness.SqliteAsync();
        // However slow the machine, a group takes every unit queued (the default is a few milliseconds).
        Writer.MaxGroupWait = TimeSpan.FromMinutes(1);
        await using var work = await _h.Database.BeginAsync();
        await ExecuteAsync(work, "CREATE TABLE grouped (unit TEXT NOT NULL)");
        await work.CommitAsync();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Units_queued_for_the_writer_share_one_commit_and_each_is_told_only_once_its_row_is_stored()
    {
        var commits = Writer.Commits;
        var first = new HeldUnit(_h.Database, "first");
        await first.Holding;
        var queued = Enumerable.Range(1, 5).Select(i => Task.Run(async () =>
        {
            await using var work = await _h.Database.BeginAsync();
            await InsertAsync(work, $"queued {i}");
            await work.CommitAsync();
            return await StoredAsync($"queued {i}"); // read by another connection as soon as the unit is told
        })).ToList();
        await WaitUntilAsync(() => Writer.Waiting == 5);

        await first.FinishAsync();

        Assert.True(await StoredAsync("first"));
        Assert.All(await Task.WhenAll(queued), Assert.True);
        Assert.Equal(1, Writer.Commits - commits);
    }

    [Fact]
    public async Task A_unit_that_fails_inside_a_group_takes_back_its_own_work_and_no_one_elses()
    {
        var first = new HeldUnit(_h.Database, "first");
        await first.Holding;
        var failing = Task.Run(async () =>
        {
            await using var work = await _h.Database.BeginAsync();
            await InsertAsync(work, "failing");
            throw new InvalidOperationException("a rule failed");
        });
        var last = Task.Run(async () =>
        {
            await using var work = await _h.Database.BeginAsync();
            await InsertAsync(work, "last");
            await work.CommitAsync();
        });
        await WaitUntilAsync(() => Writer.Waiting == 2);

        await first.FinishAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await last;
        Assert.Equal(["first", "last"], await RowsAsync());
    }

    [Fact]
    public async Task When_the_group_transaction_is_lost_every_unit_of_the_group_is_told_and_none_is_stored()
    {
        var first = new HeldUnit(_h.Database, "first");
        await first.Holding;
        var breaking = Task.Run(async () =>
        {
            await using var work = await _h.Database.BeginAsync();
            await InsertAsync(work, "second");
            // What SQLite does by itself on some errors (a full disk, say): the transaction is gone under the unit's feet.
            await ExecuteAsync(work, "ROLLBACK");
            await work.CommitAsync();
        });
        await WaitUntilAsync(() => Writer.Waiting == 1);

        var told = await Record.ExceptionAsync(first.FinishAsync);

        Assert.NotNull(told);
        Assert.NotNull(await Record.ExceptionAsync(() => breaking));
        Assert.Empty(await RowsAsync());
        // The writer carries on.
        await using (var next = await _h.Database.BeginAsync())
        {
            await InsertAsync(next, "after");
            await next.CommitAsync();
        }
        Assert.Equal(["after"], await RowsAsync());
    }

    [Fact]
    public async Task A_checkpoint_taking_the_writer_commits_the_open_group_so_no_unit_waits_for_it()
    {
        var first = new HeldUnit(_h.Database, "first");
        await first.Holding;
        var checkpoint = Writer.HoldAsync();
        await Task.Delay(100); // the checkpoint queues for the gate before the next unit does
        var next = Task.Run(async () =>
        {
            await using var work = await _h.Database.BeginAsync();
            await InsertAsync(work, "next");
            await work.CommitAsync();
        });
        await WaitUntilAsync(() => Writer.Waiting == 1);

        // The first unit hands its group on (a unit is waiting), the checkpoint gets the gate first and commits it.
        await first.FinishAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await StoredAsync("first"));
        Assert.False(next.IsCompleted);
        await (await checkpoint).DisposeAsync();
        await next;
        Assert.Equal(["first", "next"], await RowsAsync());
    }

    [Fact]
    public async Task A_unit_alone_at_the_writer_commits_at_once()
    {
        var commits = Writer.Commits;

        await using (var work = await _h.Database.BeginAsync())
        {
            await InsertAsync(work, "alone");
            await work.CommitAsync();
        }

        Assert.Equal(1, Writer.Commits - commits);
        Assert.True(await StoredAsync("alone"));
    }

    [Fact]
    public async Task A_unit_alone_that_fails_rolls_back_and_the_writer_keeps_its_connection()
    {
        System.Data.Common.DbConnection used;
        await using (var failing = await _h.Database.BeginAsync())
        {
            used = failing.Connection;
            await InsertAsync(failing, "failing");
        }

        await using var next = await _h.Database.BeginAsync();
        Assert.Same(used, next.Connection);
        await InsertAsync(next, "next");
        await next.CommitAsync();
        Assert.Equal(["next"], await RowsAsync());
    }

    /// A unit of work opened in a flow of its own (a flow may have one SQLite unit open at a time), holding the writer
    /// until the test lets it insert its row and commit.
    private sealed class HeldUnit
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _go = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _run;

        public HeldUnit(WorkflowDatabase database, string unit) => _run = Task.Run(async () =>
        {
            await using var work = await database.BeginAsync();
            _holding.SetResult();
            await _go.Task;
            await InsertAsync(work, unit);
            await work.CommitAsync();
        });

        public Task Holding => _holding.Task;

        public Task FinishAsync()
        {
            _go.TrySetResult();
            return _run;
        }
    }

    private static Task InsertAsync(StepUnitOfWork work, string unit) => ExecuteAsync(work, $"INSERT INTO grouped (unit) VALUES ('{unit}')");

    private static async Task ExecuteAsync(StepUnitOfWork work, string sql)
    {
        await using var command = work.Connection.CreateCommand();
        command.Transaction = work.Transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<bool> StoredAsync(string unit) => (await RowsAsync()).Contains(unit);

    // Through a connection of its own: what is committed, not what the writer's transaction holds.
    private async Task<List<string>> RowsAsync()
    {
        await using var connection = (SqliteConnection)await _h.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT unit FROM grouped ORDER BY unit";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited++)
        {
            if (waited > 3000) throw new TimeoutException("the units never queued for the writer");
            await Task.Delay(10);
        }
    }
}
