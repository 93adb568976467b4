using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// Deleting definitions and versions and the bulk actions of Studio's list screens (Elsa.Workflows.Api routes and
/// bodies). Files stay the truth: a deleted published version takes its file and its status with it.
public sealed class DeleteAndBulkTests
{
    private static async Task<List<string>> StatusCodesAsync(ServiceHost host) =>
        (await host.GetArrayAsync("/api/statuses")).Select(s => s!["code"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Deleting_a_status_workflow_without_orders_removes_every_version_its_file_and_the_status()
    {
        await using var host = await ServiceHost.StartAsync();
        var shipped = await StudioCalls.DefinitionAsync(host, "shipped");
        StudioCalls.Activity(shipped, "shippedComment")["text"]!["expression"]!["value"] = "A draft.";
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, shipped, publish: false), 200);

        var deleted = await host.Client.DeleteAsync("/elsa/api/workflow-definitions/shipped");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(File.Exists(Path.Combine(host.WorkflowsFolder, "shipped.json")));
        Assert.DoesNotContain("shipped", await StatusCodesAsync(host));
        await Expect.ProblemAsync(await host.Client.GetAsync("/elsa/api/workflow-definitions/shipped/versions"), 404, "shipped");
        await Expect.ProblemAsync(await host.Client.DeleteAsync("/elsa/api/workflow-definitions/shipped"), 404, "shipped");

        // A restart agrees: no file, no status.
        await host.StartAgainAsync();
        Assert.DoesNotContain("shipped", await StatusCodesAsync(host));
    }

    [Fact]
    public async Task Deleting_a_status_that_orders_are_in_is_refused_with_a_problem_naming_the_status_and_nothing_changes()
    {
        await using var host = await ServiceHost.StartAsync();
        await host.CreateOrderAsync();
        await host.CreateOrderAsync();
        var before = await File.ReadAllTextAsync(Path.Combine(host.WorkflowsFolder, "new.json"));

        var problem = await Expect.ProblemAsync(await host.Client.DeleteAsync("/elsa/api/workflow-definitions/new"), 409,
            "2 order(s) are in status 'new'", "Nothing was deleted");
        Assert.Equal("workflow_in_use", problem["code"]!.GetValue<string>());

        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(host.WorkflowsFolder, "new.json")));
        Assert.Contains("new", await StatusCodesAsync(host));
        Assert.True((await StudioCalls.DefinitionAsync(host, "new", "Published"))["isPublished"]!.GetValue<bool>());
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/elsa/api/bulk-actions/delete/workflow-definitions/by-definition-id",
            new { definitionIds = new[] { "shipped", "new" } }), 409, "status 'new'");
        Assert.Contains("shipped", await StatusCodesAsync(host));
    }

    [Fact]
    public async Task Deleting_a_draft_version_keeps_the_file_and_deleting_the_published_version_unpublishes_the_status()
    {
        await using var host = await ServiceHost.StartAsync();
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var before = await File.ReadAllTextAsync(file);
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        var v1 = paid["id"]!.GetValue<string>();
        StudioCalls.Activity(paid, "paidComment")["text"]!["expression"]!["value"] = "A draft.";
        var draft = (await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: false), 200))["workflowDefinition"]!;
        Assert.Equal(2, draft["version"]!.GetValue<int>());

        var deleted = await host.Client.DeleteAsync($"/elsa/api/workflow-definition-versions/{draft["id"]!.GetValue<string>()}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var latest = await StudioCalls.DefinitionAsync(host, "paid");
        Assert.Equal(v1, latest["id"]!.GetValue<string>());
        Assert.True(latest["isLatest"]!.GetValue<bool>());
        Assert.True(latest["isPublished"]!.GetValue<bool>());
        Assert.Equal(before, await File.ReadAllTextAsync(file));

        // The version number route (Elsa: 200): the published version goes, and with it the file and the status.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.DeleteAsync("/elsa/api/workflow-definitions/paid/version/1")).StatusCode);
        Assert.False(File.Exists(file));
        Assert.DoesNotContain("paid", await StatusCodesAsync(host));
        await Expect.ProblemAsync(await host.Client.DeleteAsync($"/elsa/api/workflow-definition-versions/{v1}"), 404, v1);
        await Expect.ProblemAsync(await host.Client.DeleteAsync("/elsa/api/workflow-definitions/paid/version/1"), 404, "paid", "version 1");
    }

    [Fact]
    public async Task Bulk_publish_retract_and_delete_report_per_definition_as_Elsa_does_and_files_follow()
    {
        await using var host = await ServiceHost.StartAsync();
        // Two drafts: one valid, one whose required input is empty.
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        StudioCalls.Activity(paid, "paidComment")["text"]!["expression"]!["value"] = "Bulk published.";
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: false), 200);
        var shipped = await StudioCalls.DefinitionAsync(host, "shipped");
        StudioCalls.Activity(shipped, "shippedComment")["text"]!["expression"]!["value"] = "";
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, shipped, publish: false), 200);

        var published = await Expect.JsonAsync(await host.Client.PostAsJsonAsync(
            "/elsa/api/bulk-actions/publish/workflow-definitions/by-definition-ids",
            new { definitionIds = new[] { "paid", "shipped", "completed", "nope" } }), 200);

        Assert.Equal(["paid"], Strings(published["published"]));
        Assert.Equal(["shipped"], Strings(published["failed"]));
        Assert.Equal(["completed"], Strings(published["alreadyPublished"]));
        Assert.Equal(["nope"], Strings(published["notFound"]));
        Assert.Empty(published["skipped"]!.AsArray());
        Assert.Empty(published["updatedConsumers"]!.AsArray());
        Assert.Contains("shipped.json", published["warnings"]!["shipped"]![0]!.GetValue<string>());
        Assert.Contains("Bulk published.", await File.ReadAllTextAsync(Path.Combine(host.WorkflowsFolder, "paid.json")));

        var retracted = await Expect.JsonAsync(await host.Client.PostAsJsonAsync(
            "/elsa/api/bulk-actions/retract/workflow-definitions/by-definition-ids",
            new { definitionIds = new[] { "completed", "completed", "nope" } }), 200);
        Assert.Equal(["completed"], Strings(retracted["retracted"]));
        Assert.Equal(["nope"], Strings(retracted["notFound"]));
        Assert.False(File.Exists(Path.Combine(host.WorkflowsFolder, "completed.json")));
        var again = await Expect.JsonAsync(await host.Client.PostAsJsonAsync(
            "/elsa/api/bulk-actions/retract/workflow-definitions/by-definition-ids", new { definitionIds = new[] { "completed" } }), 200);
        Assert.Equal(["completed"], Strings(again["alreadyRetracted"]));
        Assert.Equal(["completed"], Strings(again["notPublished"]));

        // Versions by id: paid's v1 (no longer published) and shipped's refused draft v2.
        var paidV1 = (await StudioCalls.DefinitionAsync(host, "paid", "1"))["id"]!.GetValue<string>();
        var shippedDraft = (await StudioCalls.DefinitionAsync(host, "shipped", "Draft"))["id"]!.GetValue<string>();
        var versions = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/bulk-actions/delete/workflow-definitions/by-id",
            new { ids = new[] { paidV1, shippedDraft, "no-such-id" } }), 200);
        Assert.Equal(2, versions["deleted"]!.GetValue<int>());
        Assert.Equal([2], (await host.GetAsync("/elsa/api/workflow-definitions/paid/versions"))["items"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
        Assert.True((await StudioCalls.DefinitionAsync(host, "shipped"))["isPublished"]!.GetValue<bool>());

        var bulkDelete = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/bulk-actions/delete/workflow-definitions/by-definition-id",
            new { definitionIds = new[] { "completed", "shipped" } }), 200);
        Assert.Equal(2, bulkDelete["deleted"]!.GetValue<int>());
        Assert.False(File.Exists(Path.Combine(host.WorkflowsFolder, "shipped.json")));
        Assert.DoesNotContain("shipped", await StatusCodesAsync(host));

        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/elsa/api/bulk-actions/publish/workflow-definitions/by-definition-ids",
            new { ids = new[] { "paid" } }), 400, "definitionIds");
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
