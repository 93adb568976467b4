using Automation.Workflows.Runtime;

namespace Automation.Workflows.Tests.Runtime;

/// Elsa's `TriggerActivityId`: a run started by a trigger begins at that trigger, which completes at once.
public sealed class TriggerStartTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    public async Task InitializeAsync() => _h = await EngineHarness.SqliteAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task PublishAsync() => _h.PublishAsync(Flow.Json("two-ways", [("start", "Elsa.Start", null),
        ("fromStart", "Elsa.WriteLine", new { text = "from start" }),
        ("paid", "Elsa.Event", new { eventName = "paid" }), ("fromPaid", "Elsa.WriteLine", new { text = "from paid" })],
        "start->fromStart", "paid->fromPaid"));

    [Fact]
    public async Task A_run_started_by_a_trigger_begins_there_the_trigger_completes_at_once_and_its_connections_are_followed()
    {
        await PublishAsync();

        var run = await _h.Engine.StartAsync(new StartWorkflow("two-ways", "order-1") { TriggerActivityId = "paid" });

        Assert.Equal(WorkflowStatus.Finished, run.Status);
        Assert.Equal(["paid:Completed", "fromPaid:Completed"], await _h.JournalAsync(run.InstanceId, "Completed"));
        Assert.Equal(0, await _h.BookmarkCountAsync(run.InstanceId));
    }

    [Fact]
    public async Task Without_a_trigger_the_run_begins_at_Start_and_the_event_waits()
    {
        await PublishAsync();

        var run = await _h.Engine.StartAsync(new StartWorkflow("two-ways", "order-1"));

        Assert.Equal(["start:Completed", "fromStart:Completed"], await _h.JournalAsync(run.InstanceId, "Completed"));
    }

    [Fact]
    public async Task A_trigger_id_the_version_does_not_have_is_refused_and_nothing_starts()
    {
        await PublishAsync();

        var refused = await Assert.ThrowsAsync<StartActivityNotFoundException>(() =>
            _h.Engine.StartAsync(new StartWorkflow("two-ways", "order-1") { TriggerActivityId = "nope" }));

        Assert.Equal("two-ways v1 has no activity 'nope' to start from.", refused.Message);
        Assert.Equal(0, await _h.BookmarkCountAsync());
    }
}
