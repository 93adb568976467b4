using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

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
}
