using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Tests.Runtime;

/// The recovery sweep: instances a node left `Running` mid-step are continued by any node once they have not been
/// updated for a while, exactly once however many nodes sweep, and a recently updated one is left to its step.
public sealed class StrandedInstanceTests
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    /// start → gate (waits for "go") → a → b; stranded with `a` queued and `gate` no longer waiting, as a step that ran
    /// `gate` and committed before `a` would leave it.
    private static readonly string Chain = Flow.Json("chain", [("start", "Elsa.Start", null), ("gate", "Elsa.Event", new { eventName = "go" }),
        ("a", "Elsa.WriteLine", new { text = "a" }), ("b", "Elsa.WriteLine", new { text = "b" })], "start->gate", "gate->a", "a->b");

    [Fact]
    public async Task The_sweep_reads_the_partial_index_of_running_instances_which_finished_and_waiting_ones_stay_out_of()
    {
        await using var h = await EngineHarness.SqliteAsync();
        await h.PublishAsync(Chain);
        await h.PublishAsync(Flow.Json("done", [("start", "Elsa.Start", null), ("a", "Elsa.WriteLine", new { text = "a" })], "start->a"));
        var stranded = (await h.Engine.StartAsync(new StartWorkflow("chain", "stranded"))).InstanceId;
        await h.Engine.StartAsync(new StartWorkflow("chain", "waiting"));
        await h.Engine.StartAsync(new StartWorkflow("done", "finished"));
        await h.StrandAsync(stranded, h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5), "a");

        await using var connection = await h.Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, h.Database.Provider);
        foreach (var cutOff in new DateTimeOffset?[] { null, h.Clock.GetUtcNow() - StaleAfter })
        {
            await using var command = WorkflowEngine.RunningOldestFirst(db, cutOff).CreateDbCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            var plan = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
            Assert.Contains(plan, line => line.Contains($"USING INDEX {WorkflowDb.RunningIndex}", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal));
        }
        var indexed = await db.Database.SqlQueryRaw<string>(
            $"SELECT \"Id\" AS \"Value\" FROM \"wf_instances\" INDEXED BY \"{WorkflowDb.RunningIndex}\" WHERE {WorkflowDb.RunningFilter}").ToListAsync();
        Assert.Equal([stranded], indexed);
    }

    [Fact]
    public async Task A_running_instance_not_updated_since_the_cut_off_is_continued_and_a_recently_updated_one_is_left_alone()
    {
        await using var h = await EngineHarness.SqliteAsync();
        await h.PublishAsync(Chain);
        var stale = (await h.Engine.StartAsync(new StartWorkflow("chain", "stale"))).InstanceId;
        var fresh = (await h.Engine.StartAsync(new StartWorkflow("chain", "fresh"))).InstanceId;
        await h.StrandAsync(stale, h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5), "a");
        await h.StrandAsync(fresh, h.Clock.GetUtcNow() - TimeSpan.FromSeconds(2), "a");

        var continued = await h.Engine.ContinueStrandedAsync(h.Clock.GetUtcNow() - StaleAfter);

        Assert.Equal(1, continued);
        Assert.Equal(nameof(WorkflowStatus.Finished), (await h.Engine.GetInstanceAsync(stale))!.Status);
        Assert.Equal(["start:Completed", "a:Completed", "b:Completed"], await h.JournalAsync(stale, JournalEvents.Completed));
        Assert.Equal(nameof(WorkflowStatus.Running), (await h.Engine.GetInstanceAsync(fresh))!.Status);
        Assert.DoesNotContain("a:Completed", await h.JournalAsync(fresh));

        // A minute on, the fresh one is stale too; the first is not taken again.
        h.Clock.Advance(StaleAfter);
        Assert.Equal(1, await h.Engine.ContinueStrandedAsync(h.Clock.GetUtcNow() - StaleAfter));
        Assert.Equal(nameof(WorkflowStatus.Finished), (await h.Engine.GetInstanceAsync(fresh))!.Status);
        Assert.Equal(0, await h.Engine.ContinueStrandedAsync(h.Clock.GetUtcNow() - StaleAfter));
        Assert.Single(await h.JournalAsync(stale), l => l == "a:Completed");
    }

    [Fact]
    public async Task Start_up_recovery_takes_every_running_instance_however_recent()
    {
        await using var h = await EngineHarness.SqliteAsync();
        await h.PublishAsync(Chain);
        var fresh = (await h.Engine.StartAsync(new StartWorkflow("chain", "fresh"))).InstanceId;
        await h.StrandAsync(fresh, h.Clock.GetUtcNow(), "a");

        Assert.Equal(0, await h.Engine.ContinueStrandedAsync(h.Clock.GetUtcNow() - StaleAfter));
        Assert.Equal(1, await h.Engine.RecoverAsync());

        Assert.Equal(nameof(WorkflowStatus.Finished), (await h.Engine.GetInstanceAsync(fresh))!.Status);
    }

    [Fact]
    public async Task Concurrent_sweeps_on_one_node_continue_a_stranded_instance_once()
    {
        await using var h = await EngineHarness.SqliteAsync();
        await h.PublishAsync(Chain);
        var stale = (await h.Engine.StartAsync(new StartWorkflow("chain", "stale"))).InstanceId;
        await h.StrandAsync(stale, h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5), "a");

        var cutOff = h.Clock.GetUtcNow() - StaleAfter;
        var continued = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => h.Engine.ContinueStrandedAsync(cutOff))));

        Assert.Equal(1, continued.Sum());
        Assert.Equal(["start:Completed", "a:Completed", "b:Completed"], await h.JournalAsync(stale, JournalEvents.Completed));
    }

    [Fact]
    public async Task Two_nodes_sweeping_the_same_stranded_instance_at_once_continue_it_once_on_PostgreSQL()
    {
        await using var h = await EngineHarness.PostgresAsync();
        // meet holds both nodes' steps until both are inside it; then the instance waits again (Suspended, not done).
        await h.PublishAsync(Flow.Json("race", [("start", "Elsa.Start", null), ("gate", "Elsa.Event", new { eventName = "go" }),
            ("meet", "Test.Meet", new { key = "race" }), ("hold", "Elsa.Event", new { eventName = "later" })], "start->gate", "gate->meet", "meet->hold"));
        var stranded = (await h.Engine.StartAsync(new StartWorkflow("race", "r1"))).InstanceId;
        await h.StrandAsync(stranded, h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5), "meet");
        var (otherDatabase, otherNode) = h.SecondNode();
        await using var _ = otherDatabase;
        var arrived = Meet.Expect("race", parties: 2);

        var cutOff = h.Clock.GetUtcNow() - StaleAfter;
        var continued = await Task.WhenAll(
            Task.Run(() => h.Engine.ContinueStrandedAsync(cutOff)),
            Task.Run(() => otherNode.ContinueStrandedAsync(cutOff)));

        Assert.Equal(2, arrived());
        Assert.Equal(1, continued.Sum());
        Assert.Single(await h.JournalAsync(stranded, JournalEvents.Completed), l => l == "meet:Completed");
        Assert.Single(await h.JournalAsync(stranded, JournalEvents.Suspended), l => l == "hold:Suspended");
        Assert.Equal(nameof(WorkflowStatus.Suspended), (await h.Engine.GetInstanceAsync(stranded))!.Status);
        Assert.Equal(1, await h.BookmarkCountAsync(stranded));
    }
}
