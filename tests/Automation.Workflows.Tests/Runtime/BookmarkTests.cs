using System.Text.Json.Nodes;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Tests.Runtime;

public sealed class BookmarkTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.SqliteAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task PublishWaiterAsync() => _h.PublishAsync(Flow.Json("waiter", [("start", "Elsa.Start", null),
        ("wait", "Elsa.Event", new { eventName = "paid" }), ("after", "Elsa.WriteLine", new { text = "after" })],
        "start->wait", "wait->after"));

    [Fact]
    public async Task A_bookmark_resumed_by_100_concurrent_callers_is_resumed_exactly_once()
    {
        await PublishWaiterAsync();
        var started = await _h.Engine.StartAsync(new StartWorkflow("waiter", "order-1"));
        var token = await SingleBookmarkIdAsync(started.InstanceId);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => _h.Engine.ResumeAsync(token))));

        Assert.Single(results, r => r is not null);
        Assert.Single(await _h.JournalAsync(started.InstanceId), l => l == "after:Completed");
        Assert.Single(await _h.JournalAsync(started.InstanceId), l => l == "wait:Completed");
    }

    [Fact]
    public async Task A_stimulus_resumes_only_the_bookmarks_of_its_correlation_id_and_carries_its_input()
    {
        await PublishWaiterAsync();
        var one = await _h.Engine.StartAsync(new StartWorkflow("waiter", "order-1"));
        var two = await _h.Engine.StartAsync(new StartWorkflow("waiter", "order-2"));

        var resumed = await _h.Engine.ResumeAsync(new Stimulus("Elsa.Event", Builtins.Event.Payload("paid"), "order-2"),
            new JsonObject { ["amount"] = 10 });

        Assert.Equal([two.InstanceId], resumed.Select(r => r.InstanceId));
        Assert.Equal(WorkflowStatus.Finished, resumed[0].Status);
        Assert.Equal(nameof(WorkflowStatus.Suspended), (await _h.Engine.GetInstanceAsync(one.InstanceId))!.Status);
        Assert.Equal(10, (await _h.StateAsync(two.InstanceId)).Outputs["wait"]["Result"]!["amount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stimulus_without_correlation_resumes_every_matching_bookmark_once()
    {
        await PublishWaiterAsync();
        for (var i = 0; i < 5; i++) await _h.Engine.StartAsync(new StartWorkflow("waiter", $"order-{i}"));

        var first = await _h.Engine.ResumeAsync(new Stimulus("Elsa.Event", Builtins.Event.Payload("paid")));
        var second = await _h.Engine.ResumeAsync(new Stimulus("Elsa.Event", Builtins.Event.Payload("paid")));

        Assert.Equal(5, first.Count);
        Assert.Empty(second);
    }

    [Fact]
    public async Task Resuming_an_unknown_token_does_nothing()
    {
        Assert.Null(await _h.Engine.ResumeAsync("no-such-token"));
    }

    [Fact]
    public async Task Cancelling_an_instance_removes_its_bookmarks_and_timers_and_journals_why()
    {
        await _h.PublishAsync(Flow.Json("cancel", [("start", "Elsa.Start", null),
            ("delay", "Elsa.Delay", new { timeSpan = "01:00:00" }), ("event", "Elsa.Event", new { eventName = "x" }),
            ("late", "Elsa.WriteLine", new { text = "late" })],
            "start->delay", "start->event", "delay->late"));
        var started = await _h.Engine.StartAsync(new StartWorkflow("cancel"));
        Assert.Equal(2, await _h.BookmarkCountAsync(started.InstanceId));
        var timer = Assert.Single(_h.Timers.Scheduled).BookmarkId;

        Assert.True(await _h.Engine.CancelAsync(started.InstanceId, "order left the status"));

        Assert.Equal(0, await _h.BookmarkCountAsync(started.InstanceId));
        Assert.Contains(timer, _h.Timers.Cancelled);
        var instance = (await _h.Engine.GetInstanceAsync(started.InstanceId))!;
        Assert.Equal(nameof(WorkflowStatus.Cancelled), instance.Status);
        Assert.Equal("order left the status", instance.Message);
        Assert.Contains("delay:Cancelled", await _h.JournalAsync(started.InstanceId));

        _h.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await _h.Engine.ResumeDueTimersAsync(_h.Clock.GetUtcNow()));
        Assert.DoesNotContain("late:Completed", await _h.JournalAsync(started.InstanceId));
    }

    [Fact]
    public async Task Publishing_indexes_trigger_activities_by_stimulus_hash()
    {
        await PublishWaiterAsync();

        var found = await _h.Definitions.FindTriggersAsync("Elsa.Event", Builtins.Event.Payload("paid"));
        var other = await _h.Definitions.FindTriggersAsync("Elsa.Event", Builtins.Event.Payload("shipped"));

        Assert.Equal("wait", Assert.Single(found).ActivityId);
        Assert.Empty(other);
    }

    [Fact]
    public async Task A_running_instance_finishes_on_the_version_it_started_with()
    {
        await PublishWaiterAsync();
        var started = await _h.Engine.StartAsync(new StartWorkflow("waiter", "o"));
        await _h.PublishAsync(Flow.Json("waiter", [("start", "Elsa.Start", null), ("only", "Elsa.WriteLine", new { text = "v2" })], "start->only"));

        await _h.Engine.ResumeAsync(new Stimulus("Elsa.Event", Builtins.Event.Payload("paid"), "o"));

        Assert.Contains("after:Completed", await _h.JournalAsync(started.InstanceId));
        var v2 = await _h.Engine.StartAsync(new StartWorkflow("waiter"));
        Assert.Equal(["start:Completed", "only:Completed"], await _h.JournalAsync(v2.InstanceId));
    }

    private async Task<string> SingleBookmarkIdAsync(string instanceId)
    {
        await using var connection = await _h.Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, _h.Database.Provider);
        return await db.Bookmarks.Where(b => b.InstanceId == instanceId).Select(b => b.Id).SingleAsync();
    }
}
