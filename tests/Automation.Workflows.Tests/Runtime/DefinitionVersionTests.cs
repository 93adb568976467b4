using Automation.Workflows.Model;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Tests.Runtime;

/// Definition versions in the store: unchanged saves, Elsa's version options, per-definition queries and deletes, on
/// SQLite and on PostgreSQL (the filters and the delete run as database queries).
public abstract class DefinitionVersionTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    protected abstract Task<EngineHarness> CreateAsync();

    public async Task InitializeAsync() => _h = await CreateAsync();
    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static WorkflowDefinition Writer(string definitionId, string text) => WorkflowJson.Parse(Flow.Json(definitionId,
        [("start", "Elsa.Start", null), ("write", "Elsa.WriteLine", new { text })], "start->write"));

    private static WorkflowDefinition Waiter(string definitionId) => WorkflowJson.Parse(Flow.Json(definitionId,
        [("start", "Elsa.Start", null), ("wait", "Elsa.Event", new { eventName = "paid" })], "start->wait"));

    [Fact]
    public async Task Saving_or_publishing_unchanged_content_makes_no_new_version()
    {
        var published = await _h.Definitions.SaveAsync(Writer("w", "one"), publish: true);
        var again = await _h.Definitions.SaveAsync(Writer("w", "one"), publish: true);
        var asDraft = await _h.Definitions.SaveAsync(Writer("w", "one"), publish: false);

        Assert.Equal(published.Id, again.Id);
        Assert.Equal(published.Id, asDraft.Id);
        Assert.Single(await _h.Definitions.VersionsAsync("w", VersionOptions.AllVersions));

        var draft = await _h.Definitions.SaveAsync(Writer("w", "two"), publish: false);
        var draftAgain = await _h.Definitions.SaveAsync(Writer("w", "two"), publish: false);
        Assert.Equal(2, draft.Version);
        Assert.Equal(draft.Id, draftAgain.Id);

        // Publishing the unchanged draft publishes that version in place, still no third one.
        var live = await _h.Definitions.SaveAsync(Writer("w", "two"), publish: true);
        Assert.Equal(draft.Id, live.Id);
        Assert.True(live.IsPublished);
        Assert.Equal([2, 1], (await _h.Definitions.VersionsAsync("w", VersionOptions.AllVersions)).Select(v => v.Version));
    }

    [Fact]
    public async Task Every_version_option_Elsa_accepts_selects_the_versions_it_names_of_one_definition_only()
    {
        await _h.Definitions.SaveAsync(Writer("w", "one"), publish: true);
        await _h.Definitions.SaveAsync(Writer("w", "two"), publish: true);
        await _h.Definitions.SaveAsync(Writer("w", "three"), publish: false);
        await _h.Definitions.SaveAsync(Writer("other", "x"), publish: true);

        async Task<int[]> Versions(string options) =>
            (await _h.Definitions.VersionsAsync("w", VersionOptions.Parse(options, VersionOptions.Latest)!.Value)).Select(v => v.Version).ToArray();

        Assert.Equal(new[] { 3 }, await Versions("Latest"));
        Assert.Equal(new[] { 2 }, await Versions("published"));
        Assert.Equal(new[] { 3, 2 }, await Versions("LatestOrPublished"));
        Assert.Empty(await Versions("LatestAndPublished"));
        Assert.Equal(new[] { 3, 1 }, await Versions("DRAFT"));
        Assert.Equal(new[] { 3, 2, 1 }, await Versions("AllVersions"));
        Assert.Equal(new[] { 2 }, await Versions("2"));
        Assert.Equal(new[] { 1 }, await Versions("Version:1"));
        Assert.Equal(new[] { 3 }, await Versions(""));
        Assert.Null(VersionOptions.Parse("Sometimes", VersionOptions.Latest));
        Assert.Null(VersionOptions.Parse("Latest,Published", VersionOptions.Latest));

        Assert.Equal(3, (await _h.Definitions.GetAsync("w", VersionOptions.Draft))!.Version);
        Assert.Equal(3, (await _h.Definitions.GetAsync("w", VersionOptions.AllVersions))!.Version);
        Assert.Null(await _h.Definitions.GetAsync("w", VersionOptions.LatestAndPublished));
        Assert.Equal(["other", "w"], (await _h.Definitions.ListAsync(VersionOptions.Published)).Select(v => v.DefinitionId));
        Assert.Equal(["w"], (await _h.Definitions.ListAsync(VersionOptions.Draft)).Select(v => v.DefinitionId).Distinct());
    }

    [Fact]
    public async Task Deleting_the_published_version_stops_new_starts_and_the_newest_left_becomes_latest()
    {
        var v1 = await _h.Definitions.SaveAsync(Writer("w", "one"), publish: true);
        var v2 = await _h.Definitions.SaveAsync(Writer("w", "two"), publish: true);

        var deleted = await _h.Definitions.DeleteVersionsAsync([v2.Id]);

        Assert.Equal([v2.Id], deleted.Select(d => d.Id));
        Assert.Null(await _h.Definitions.GetPublishedAsync("w"));
        var left = Assert.Single(await _h.Definitions.VersionsAsync("w", VersionOptions.AllVersions));
        Assert.Equal(v1.Id, left.Id);
        Assert.True(left.IsLatest);
        Assert.False(left.IsPublished);
        await Assert.ThrowsAsync<WorkflowNotFoundException>(() => _h.Engine.StartAsync(new StartWorkflow("w")));
        Assert.Empty(await _h.Definitions.DeleteVersionsAsync(["no-such-version"]));
    }

    [Fact]
    public async Task A_version_with_an_unfinished_instance_is_not_deleted_and_the_refusal_names_it()
    {
        var waiter = await _h.Definitions.SaveAsync(Waiter("waiter"), publish: true);
        var writer = await _h.Definitions.SaveAsync(Writer("writer", "x"), publish: true);
        await _h.Engine.StartAsync(new StartWorkflow("waiter", "order-1"));

        var refused = await Assert.ThrowsAsync<DefinitionInUseException>(() => _h.Definitions.DeleteVersionsAsync([waiter.Id, writer.Id]));

        Assert.Equal(["waiter v1 has 1 unfinished instance(s)"], refused.Reasons);
        Assert.Single(await _h.Definitions.VersionsAsync("writer", VersionOptions.AllVersions));
        Assert.NotNull(await _h.Definitions.GetPublishedAsync("waiter"));
    }
}

public sealed class SqliteDefinitionVersionTests : DefinitionVersionTests
{
    protected override Task<EngineHarness> CreateAsync() => EngineHarness.SqliteAsync();
}

public sealed class PostgresDefinitionVersionTests : DefinitionVersionTests
{
    protected override Task<EngineHarness> CreateAsync() => EngineHarness.PostgresAsync();
}
