using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Automation.Workflows.Tests.Runtime;

/// The same engine on PostgreSQL: the hand-written migration applies and the step semantics hold.
public sealed class PostgresEngineTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.PostgresAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Workflow_waits_and_resumes_exactly_once_under_concurrent_resumes_on_PostgreSQL()
    {
        await _h.PublishAsync(Flow.Json("pg", [("start", "Elsa.Start", null),
            ("wait", "Elsa.Event", new { eventName = "go" }), ("after", "Elsa.WriteLine", new { text = "after" })],
            "start->wait", "wait->after"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("pg", "c1"));
        string token;
        await using (var connection = await _h.Database.OpenConnectionAsync())
        await using (var db = WorkflowDb.Create(connection, _h.Database.Provider))
            token = await db.Bookmarks.Select(b => b.Id).SingleAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => _h.Engine.ResumeAsync(token))));

        Assert.Single(results, r => r is not null);
        Assert.Equal(["start:Completed", "wait:Suspended", "wait:Completed", "after:Completed"], await _h.JournalAsync(started.InstanceId));
    }

    [Fact]
    public async Task Delay_survives_as_a_stored_timer_and_fires_once_on_PostgreSQL()
    {
        await _h.PublishAsync(Flow.Json("pgdelay", [("start", "Elsa.Start", null),
            ("delay", "Elsa.Delay", new { timeSpan = "00:05:00" }), ("after", "Elsa.WriteLine", new { text = "after" })],
            "start->delay", "delay->after"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("pgdelay"));

        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        var fired = await Task.WhenAll(_h.Engine.ResumeDueTimersAsync(_h.Clock.GetUtcNow()), _h.Engine.ResumeDueTimersAsync(_h.Clock.GetUtcNow()));

        Assert.Equal(1, fired.Sum());
        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
    }

    [Fact]
    public async Task Two_nodes_resuming_two_bookmarks_of_one_instance_at_once_both_apply_once_on_PostgreSQL()
    {
        await _h.PublishAsync(Flow.Json("pgpair", [("start", "Elsa.Start", null),
            ("paid", "Elsa.Event", new { eventName = "paid" }), ("shipped", "Elsa.Event", new { eventName = "shipped" }),
            ("afterPaid", "Elsa.WriteLine", new { text = "paid" }), ("afterShipped", "Elsa.WriteLine", new { text = "shipped" })],
            "start->paid", "start->shipped", "paid->afterPaid", "shipped->afterShipped"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("pgpair", "c2"));
        await using var otherDatabase = new WorkflowDatabase(DatabaseProvider.PostgreSql, _h.Database.ConnectionString);
        var otherNode = new WorkflowEngine(otherDatabase, new WorkflowDefinitions(otherDatabase, _h.Registry, _h.Expressions, _h.Clock), _h.Expressions, _h.Timers, new EmptyServices(), _h.Clock, []);

        await Task.WhenAll(
            Task.Run(() => _h.Engine.ResumeAsync(new Stimulus("Elsa.Event", Builtins.Event.Payload("paid"), "c2"))),
            Task.Run(() => otherNode.ResumeAsync(new Stimulus("Elsa.Event", Builtins.Event.Payload("shipped"), "c2"))));

        var journal = await _h.JournalAsync(started.InstanceId, JournalEvents.Completed);
        Assert.Single(journal, l => l == "afterPaid:Completed");
        Assert.Single(journal, l => l == "afterShipped:Completed");
        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
    }

    [Fact]
    public async Task A_step_written_over_a_revision_that_is_no_longer_current_is_a_concurrency_conflict_on_PostgreSQL()
    {
        await _h.PublishAsync(Flow.Json("pgwait", [("start", "Elsa.Start", null), ("wait", "Elsa.Event", new { eventName = "x" })], "start->wait"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("pgwait"));

        await using var work = await _h.Database.BeginAsync();
        var record = (await Persistence.Rows.InstanceRows.LoadAsync(work, started.InstanceId, default))!;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => Persistence.Rows.InstanceRows.UpdateAsync(work, record, record.Revision - 1, default));
    }

    [Fact]
    public async Task A_statement_run_again_and_again_on_a_connection_is_prepared_on_the_server()
    {
        await using var connection = await _h.Database.OpenConnectionAsync();
        for (var i = 0; i < 10; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM wf_instances WHERE \"Status\" = @status";
            var status = command.CreateParameter();
            status.ParameterName = "status";
            status.Value = "Running";
            command.Parameters.Add(status);
            await command.ExecuteScalarAsync();
        }

        await using var prepared = connection.CreateCommand();
        prepared.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM wf_instances WHERE%'";
        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }

    /// A connection given back to the pool is handed on as it was (no seven reset statements before each use; the
    /// service leaves no session state), unless the connection string asks for the reset.
    [Theory]
    [InlineData(null, "left by the last user")]
    [InlineData("No Reset On Close=false", "")]
    public async Task A_pooled_connection_is_not_reset_unless_the_connection_string_asks(string? setting, string applicationNameSeen)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_h.Database.ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var database = new WorkflowDatabase(DatabaseProvider.PostgreSql, setting is null ? connectionString : $"{connectionString};{setting}");
        await using (var first = await database.OpenConnectionAsync())
        await using (var set = first.CreateCommand())
        {
            set.CommandText = "SET application_name = 'left by the last user'";
            await set.ExecuteNonQueryAsync();
        }
        await using var next = await database.OpenConnectionAsync();
        await using var show = next.CreateCommand();
        show.CommandText = "SHOW application_name";
        Assert.Equal(applicationNameSeen, await show.ExecuteScalarAsync());
        Assert.Equal(128, new NpgsqlConnectionStringBuilder(next.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public async Task A_unit_of_work_reads_a_definition_not_compiled_yet_through_its_own_connection()
    {
        await _h.PublishAsync(Flow.Json("pgone", [("start", "Elsa.Start", null), ("line", "Elsa.WriteLine", new { text = "one" })], "start->line"));
        // A node that has compiled nothing yet, whose pool holds one connection: the unit of work holds it, so reading the
        // definition through a second one would wait until the pool gives up (after 2 s here, 15 s by default). Under a
        // burst of events every connection of the pool is held by such a unit, and they all wait for each other.
        var oneConnection = new NpgsqlConnectionStringBuilder(_h.Database.ConnectionString) { MaxPoolSize = 1, Timeout = 2 }.ConnectionString;
        await using var database = new WorkflowDatabase(DatabaseProvider.PostgreSql, oneConnection);
        var node = new WorkflowEngine(database, new WorkflowDefinitions(database, _h.Registry, _h.Expressions, _h.Clock), _h.Expressions, _h.Timers,
            new EmptyServices(), _h.Clock, []);

        await using var work = await database.BeginAsync();
        var started = await node.StartAsync(work, new StartWorkflow("pgone", "c3"));
        await work.CommitAsync();

        Assert.Equal(WorkflowStatus.Finished, started.Status);
        Assert.Equal(["start:Completed", "line:Completed"], await _h.JournalAsync(started.InstanceId));
        Assert.Equal(0, database.OpenedInsideUnit);
    }

    [Fact]
    public async Task A_connection_opened_while_the_flow_holds_an_open_unit_of_work_is_counted()
    {
        await using (var work = await _h.Database.BeginAsync())
        {
            await using (await _h.Database.OpenConnectionAsync()) { }
            Assert.Equal(1, _h.Database.OpenedInsideUnit);
            await work.CommitAsync();
            await using (await _h.Database.OpenConnectionAsync()) { }
        }
        await using (await _h.Database.OpenReadSessionAsync()) { }
        Assert.Equal(1, _h.Database.OpenedInsideUnit);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
