using System.Text.Json.Nodes;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Tests.Runtime;

/// Several steps in one unit of work (an event stored, the waits it resumes and the status it moves to, committed
/// together): later steps see what earlier ones staged, and nothing is written until the unit commits.
public sealed class SharedUnitOfWorkTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await EngineHarness.SqliteAsync();
        await _h.PublishAsync(Flow.Json("waiter", [("start", "Elsa.Start", null),
            ("wait", "Elsa.Event", new { eventName = "paid" }), ("after", "Elsa.WriteLine", new { text = "after" })],
            "start->wait", "wait->after"));
        await _h.PublishAsync(Flow.Json("twice", [("start", "Elsa.Start", null),
            ("first", "Elsa.Event", new { eventName = "step" }), ("second", "Elsa.Event", new { eventName = "step" }),
            ("done", "Elsa.WriteLine", new { text = "done" })],
            "start->first", "first->second", "second->done"));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Stimulus Paid(string correlation) => new("Elsa.Event", Builtins.Event.Payload("paid"), correlation);

    [Fact]
    public async Task A_resume_inside_a_unit_of_work_commits_with_it_and_consumes_the_bookmark()
    {
        var started = await _h.Engine.StartAsync(new StartWorkflow("waiter", "order-1"));

        await using (var work = await _h.Database.BeginAsync())
        {
            var resumed = await _h.Engine.ResumeAsync(work, Paid("order-1"), new JsonObject { ["amount"] = 5 });
            Assert.Equal(WorkflowStatus.Finished, Assert.Single(resumed).Status);
            // Staged only: nothing is visible before the commit.
            Assert.Equal(nameof(WorkflowStatus.Suspended), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
            await work.CommitAsync();
        }

        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(0, await _h.BookmarkCountAsync(started.InstanceId));
        Assert.Equal(5, (await _h.StateAsync(started.InstanceId)).Outputs["wait"]["Result"]!["amount"]!.GetValue<int>());
        Assert.Empty(await _h.Engine.ResumeAsync(Paid("order-1")));
    }

    [Fact]
    public async Task A_resume_in_a_unit_that_rolls_back_leaves_the_instance_waiting()
    {
        var started = await _h.Engine.StartAsync(new StartWorkflow("waiter", "order-1"));

        await using (var work = await _h.Database.BeginAsync())
            Assert.Single(await _h.Engine.ResumeAsync(work, Paid("order-1"), null));

        Assert.Equal(1, await _h.BookmarkCountAsync(started.InstanceId));
        Assert.Equal(WorkflowStatus.Finished, Assert.Single(await _h.Engine.ResumeAsync(Paid("order-1"))).Status);
    }

    [Fact]
    public async Task Two_steps_of_one_instance_in_one_unit_write_it_once_from_where_the_first_left_it()
    {
        var started = await _h.Engine.StartAsync(new StartWorkflow("twice", "order-1"));
        var step = new Stimulus("Elsa.Event", Builtins.Event.Payload("step"), "order-1");

        await using (var work = await _h.Database.BeginAsync())
        {
            // The second resume finds the bookmark the first step created, though it is not stored yet.
            Assert.Equal(WorkflowStatus.Suspended, Assert.Single(await _h.Engine.ResumeAsync(work, step, null)).Status);
            Assert.Equal(WorkflowStatus.Finished, Assert.Single(await _h.Engine.ResumeAsync(work, step, null)).Status);
            await work.CommitAsync();
        }

        Assert.Equal(nameof(WorkflowStatus.Finished), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
        Assert.Equal(0, await _h.BookmarkCountAsync());
        Assert.Equal(["start:Completed", "first:Completed", "second:Completed", "done:Completed"], await _h.JournalAsync(started.InstanceId, "Completed"));
    }

    [Fact]
    public async Task An_instance_started_and_cancelled_in_one_unit_is_stored_cancelled_and_open_instances_see_the_unit()
    {
        await using (var work = await _h.Database.BeginAsync())
        {
            var started = await _h.Engine.StartAsync(work, new StartWorkflow("waiter", "order-7"));
            Assert.Equal([started.InstanceId], (await _h.Engine.OpenInstancesAsync(work, "order-7")).Select(i => i.InstanceId));

            await _h.Engine.CancelAsync(work, started.InstanceId, "left the status");

            Assert.Empty(await _h.Engine.OpenInstancesAsync(work, "order-7"));
            await work.CommitAsync();
            Assert.Equal(nameof(WorkflowStatus.Cancelled), (await _h.Engine.GetInstanceAsync(started.InstanceId))!.Status);
        }
        Assert.Equal(0, await _h.BookmarkCountAsync());
    }

    [Fact]
    public async Task The_published_versions_are_read_inside_and_outside_a_unit()
    {
        var outside = await _h.Engine.PublishedVersionsAsync(null);
        await using var work = await _h.Database.BeginAsync();
        var inside = await _h.Engine.PublishedVersionsAsync(work);

        Assert.Equal(["twice", "waiter"], outside.Select(p => p.DefinitionId).Order());
        Assert.Equal(outside.OrderBy(p => p.DefinitionId), inside.OrderBy(p => p.DefinitionId));
    }
}
