using System.Text.Json.Nodes;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Tests.Runtime;

public sealed class FlowchartSemanticsTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.SqliteAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Connected_activities_run_in_sequence_and_the_instance_finishes()
    {
        await _h.PublishAsync(Flow.Json("seq", [("start", "Elsa.Start", null), ("a", "Elsa.WriteLine", new { text = "A" }),
            ("b", "Elsa.WriteLine", new { text = "B" }), ("c", "Elsa.WriteLine", new { text = "C" })],
            "start->a", "a->b", "b->c"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("seq"));

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["start:Completed", "a:Completed", "b:Completed", "c:Completed"], await _h.JournalAsync(result.InstanceId));
    }

    [Fact]
    public async Task Branches_started_side_by_side_go_on_while_one_of_them_waits()
    {
        await _h.PublishAsync(Flow.Json("par", [("start", "Elsa.Start", null),
            ("wait", "Elsa.Delay", new { timeSpan = "00:10:00" }), ("late", "Elsa.WriteLine", new { text = "late" }),
            ("now", "Elsa.WriteLine", new { text = "now" })],
            "start->wait", "wait->late", "start->now"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("par"));

        Assert.Equal(WorkflowStatus.Suspended, result.Status);
        Assert.Equal(["start:Completed", "wait:Suspended", "now:Completed"], await _h.JournalAsync(result.InstanceId));
        Assert.Single(_h.Timers.Scheduled);

        _h.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await _h.Engine.ResumeDueTimersAsync(_h.Clock.GetUtcNow()));
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _h.Engine.ResumeDueTimersAsync(_h.Clock.GetUtcNow()));

        Assert.Equal(["start:Completed", "wait:Suspended", "now:Completed", "wait:Completed", "late:Completed"], await _h.JournalAsync(result.InstanceId));
        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(result.InstanceId))!.Status);
        Assert.Equal(0, await _h.BookmarkCountAsync());
    }

    [Theory]
    [InlineData(true, "yes")]
    [InlineData(false, "no")]
    public async Task Decision_continues_through_the_port_of_its_outcome(bool condition, string expected)
    {
        await _h.PublishAsync(Flow.Json("dec", [("start", "Elsa.Start", null),
            ("d", "Elsa.FlowDecision", new { condition = Flow.Expr("JavaScript", condition ? "1 + 1 === 2" : "1 > 2") }),
            ("yes", "Elsa.WriteLine", new { text = "yes" }), ("no", "Elsa.WriteLine", new { text = "no" })],
            "start->d", "d:True->yes", "d:False->no"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("dec"));

        var ran = await _h.JournalAsync(result.InstanceId, "Completed");
        Assert.Contains($"{expected}:Completed", ran);
        Assert.DoesNotContain($"{(condition ? "no" : "yes")}:Completed", ran);
        Assert.Equal(WorkflowStatus.Finished, result.Status);
    }

    [Fact]
    public async Task Outputs_of_an_activity_are_readable_by_later_activities_by_id_and_by_name()
    {
        await _h.PublishAsync(Flow.Json("out", [("start", "Elsa.Start", null),
            ("gen", "Test.Produce", new { value = "X-42" }),
            ("use", "Test.Produce", new { value = Flow.Expr("Liquid", "code={{ Activities.gen.Result }}") }),
            ("js", "Test.Produce", new { value = Flow.Expr("JavaScript", "getOutput('use', 'Result') + '!'") })],
            "start->gen", "gen->use", "use->js"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("out"));

        var state = await _h.StateAsync(result.InstanceId);
        Assert.Equal("code=X-42", state.Outputs["use"]["Result"]!.GetValue<string>());
        Assert.Equal("code=X-42!", state.Outputs["js"]["Result"]!.GetValue<string>());
        var journal = await _h.JournalEntryAsync(result.InstanceId, "use");
        Assert.Contains("code=X-42", journal.Data);
    }

    [Fact]
    public async Task Variables_set_by_one_activity_are_read_by_the_next()
    {
        var json = Flow.Json("vars", [("start", "Elsa.Start", null),
            ("set", "Elsa.SetVariable", new { value = Flow.Expr("Literal", "250") }),
            ("read", "Test.Produce", new { value = Flow.Expr("Liquid", "total={{ Variables.Total }}") })],
            "start->set", "set->read");
        var doc = JsonNode.Parse(json)!.AsObject();
        doc["variables"] = new JsonArray(new JsonObject { ["id"] = "v1", ["name"] = "Total", ["typeName"] = "Int32", ["value"] = "0" });
        doc["root"]!["activities"]![1]!["variable"] = new JsonObject { ["id"] = "v1", ["name"] = "Total" };
        await _h.PublishAsync(doc.ToJsonString());

        var result = await _h.Engine.StartAsync(new StartWorkflow("vars"));

        var state = await _h.StateAsync(result.InstanceId);
        Assert.Equal("total=250", state.Outputs["read"]["Result"]!.GetValue<string>());
        Assert.Equal("250", state.Variables["Total"]!.ToString());
    }

    [Fact]
    public async Task Join_wait_all_runs_once_after_every_branch_arrived()
    {
        await _h.PublishAsync(Flow.Json("join", [("start", "Elsa.Start", null),
            ("w1", "Test.WaitHere", new { key = "one" }), ("w2", "Test.WaitHere", new { key = "two" }),
            ("j", "Elsa.FlowJoin", new { mode = "WaitAll" }), ("after", "Elsa.WriteLine", new { text = "joined" })],
            "start->w1", "start->w2", "w1->j", "w2->j", "j->after"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("join"));

        await _h.Engine.ResumeAsync(new Stimulus("Test.WaitHere", new { Key = "one" }));
        Assert.DoesNotContain("after:Completed", await _h.JournalAsync(started.InstanceId));
        await _h.Engine.ResumeAsync(new Stimulus("Test.WaitHere", new { Key = "two" }));

        Assert.Single(await _h.JournalAsync(started.InstanceId), l => l == "after:Completed");
        Assert.Single(await _h.JournalAsync(started.InstanceId), l => l == "j:Completed");
        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
    }

    [Fact]
    public async Task Join_wait_any_runs_on_the_first_branch_and_cancels_the_other()
    {
        await _h.PublishAsync(Flow.Json("any", [("start", "Elsa.Start", null),
            ("w1", "Test.WaitHere", new { key = "first" }), ("w2", "Test.WaitHere", new { key = "second" }),
            ("j", "Elsa.FlowJoin", new { mode = "WaitAny" }), ("after", "Elsa.WriteLine", new { text = "joined" })],
            "start->w1", "start->w2", "w1->j", "w2->j", "j->after"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("any"));

        await _h.Engine.ResumeAsync(new Stimulus("Test.WaitHere", new { Key = "second" }));

        var journal = await _h.JournalAsync(started.InstanceId);
        Assert.Contains("after:Completed", journal);
        Assert.Contains("w1:Cancelled", journal);
        Assert.Equal(0, await _h.BookmarkCountAsync(started.InstanceId));
        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
    }

    [Fact]
    public async Task Implicit_join_after_a_decision_runs_when_the_taken_branch_arrives()
    {
        await _h.PublishAsync(Flow.Json("implicit", [("start", "Elsa.Start", null),
            ("d", "Elsa.FlowDecision", new { condition = true }),
            ("yes", "Elsa.WriteLine", new { text = "yes" }), ("no", "Elsa.WriteLine", new { text = "no" }),
            ("merge", "Elsa.WriteLine", new { text = "merge" })],
            "start->d", "d:True->yes", "d:False->no", "yes->merge", "no->merge"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("implicit"));

        Assert.Equal(["start:Completed", "d:Completed", "yes:Completed", "merge:Completed"], await _h.JournalAsync(result.InstanceId));
    }

    [Fact]
    public async Task A_faulting_activity_stops_its_branch_and_the_others_carry_on()
    {
        await _h.PublishAsync(Flow.Json("fault", [("start", "Elsa.Start", null),
            ("bad", "Test.Explode", null), ("afterBad", "Elsa.WriteLine", new { text = "never" }),
            ("good", "Elsa.WriteLine", new { text = "fine" })],
            "start->bad", "bad->afterBad", "start->good"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("fault"));

        var journal = await _h.JournalAsync(result.InstanceId);
        Assert.Contains("bad:Faulted", journal);
        Assert.Contains("good:Completed", journal);
        Assert.DoesNotContain("afterBad:Completed", journal);
        Assert.Equal(1, result.Faults);
        Assert.Contains("boom", (await _h.JournalEntryAsync(result.InstanceId, "bad")).Message);
    }

    [Fact]
    public async Task An_expression_that_times_out_faults_only_its_activity_with_the_message_in_the_journal()
    {
        await _h.PublishAsync(Flow.Json("loop", [("start", "Elsa.Start", null),
            ("spin", "Test.Produce", new { value = Flow.Expr("JavaScript", "while(true){}") }),
            ("other", "Elsa.WriteLine", new { text = "other" })],
            "start->spin", "start->other"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("loop"));

        var entry = await _h.JournalEntryAsync(result.InstanceId, "spin");
        Assert.Equal("Faulted", entry.Event);
        Assert.Contains("JavaScript", entry.Message);
        Assert.Contains("other:Completed", await _h.JournalAsync(result.InstanceId));
    }

    [Fact]
    public async Task End_finishes_the_flowchart_and_cancels_waiting_branches()
    {
        await _h.PublishAsync(Flow.Json("end", [("start", "Elsa.Start", null),
            ("w", "Test.WaitHere", new { key = "k" }), ("stop", "Elsa.End", null)],
            "start->w", "start->stop"));

        var result = await _h.Engine.StartAsync(new StartWorkflow("end"));

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(0, await _h.BookmarkCountAsync(result.InstanceId));
        Assert.Contains("w:Cancelled", await _h.JournalAsync(result.InstanceId));
    }
}
