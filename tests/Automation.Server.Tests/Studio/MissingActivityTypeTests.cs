using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;
using Automation.Workflows.Model;
using Automation.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.Studio;

/// A stored version that uses an activity type the server no longer has (the rule was removed from the code): Studio
/// can still open it and sees the activity as "Not found"; saving it is refused naming the type and its JSON path.
public sealed class MissingActivityTypeTests
{
    private const string Retired = "Automation.RetiredRule";

    /// A draft of paid.json with a rule of a type that existed when it was saved: paidComment → retired, retired:Sent → tellPaid.
    private static async Task<WorkflowDefinition> StoreDraftWithRetiredRuleAsync(ServiceHost host)
    {
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        paid["root"]!["activities"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "retired",
            ["nodeId"] = "Workflow1:flow:retired",
            ["name"] = "retired",
            ["type"] = Retired,
            ["version"] = 1,
            ["budget"] = StudioCalls.LiteralInput("Int32", 5),
            ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = 400, ["y"] = 200 } } },
        });
        var connections = paid["root"]!["connections"]!.AsArray();
        connections.Add(Connection("paidComment", "Done", "retired"));
        connections.Add(Connection("retired", "Sent", "tellPaid"));
        return await host.Services.GetRequiredService<WorkflowDefinitions>().SaveAsync(new WorkflowDefinition(paid), publish: false);
    }

    private static JsonObject Connection(string from, string port, string to) => new()
    {
        ["source"] = new JsonObject { ["activity"] = from, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
    };

    [Fact]
    public async Task Studio_loads_a_stored_version_with_an_unknown_type_unchanged_and_gets_a_not_found_descriptor_with_its_ports()
    {
        await using var host = await ServiceHost.StartAsync();
        var draft = await StoreDraftWithRetiredRuleAsync(host);

        var loaded = await StudioCalls.DefinitionAsync(host, "paid");

        Assert.Equal(draft.Id, loaded["id"]!.GetValue<string>());
        var retired = StudioCalls.Activity(loaded, "retired");
        Assert.Equal(Retired, retired["type"]!.GetValue<string>());
        Assert.Equal(5, retired["budget"]!["expression"]!["value"]!.GetValue<int>());
        Assert.Contains(loaded["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "publish");

        var descriptors = (await host.GetAsync("/elsa/api/descriptors/activities?Refresh=True"))["items"]!.AsArray();
        var placeholder = Assert.Single(descriptors, d => d!["typeName"]!.GetValue<string>() == Retired)!;
        Assert.Equal(1, placeholder["version"]!.GetValue<int>());
        Assert.Equal("Not found: Automation.RetiredRule", placeholder["displayName"]!.GetValue<string>());
        Assert.False(placeholder["isBrowsable"]!.GetValue<bool>());
        Assert.Equal(["Sent"], placeholder["ports"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Empty(placeholder["inputs"]!.AsArray());

        // Nothing else that reads stored versions falls over on it.
        await host.GetAsync("/elsa/api/workflow-definitions/paid/versions");
        await host.GetAsync("/elsa/api/workflow-definitions?versionOptions=AllVersions&DefinitionIds=paid");
        Assert.Contains(Retired, await (await host.Client.GetAsync("/elsa/api/workflow-definitions/paid/export")).Content.ReadAsStringAsync());
        var page = await host.Client.GetAsync("/studio/");
        Assert.Equal(200, (int)page.StatusCode);
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/paid/execute", new { versionOptions = "Latest" }),
            400, Retired);
    }

    [Fact]
    public async Task Saving_or_publishing_a_definition_with_an_unknown_type_is_refused_naming_the_type_and_path_and_stores_nothing()
    {
        await using var host = await ServiceHost.StartAsync();
        var draft = await StoreDraftWithRetiredRuleAsync(host);
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var before = await File.ReadAllTextAsync(file);
        var loaded = await StudioCalls.DefinitionAsync(host, "paid");
        StudioCalls.Activity(loaded, "paidComment")["text"]!["expression"]!["value"] = "Edited around the retired rule.";
        var index = loaded["root"]!["activities"]!.AsArray().ToList().FindIndex(a => a!["id"]!.GetValue<string>() == "retired");

        foreach (var publish in new[] { false, true })
        {
            var problem = await Expect.ProblemAsync(await StudioCalls.SaveAsync(host, loaded, publish), 400, "Nothing was stored");
            var messages = problem["errors"]![$"$.root.activities[{index}].type"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
            Assert.Equal(["paid.json: activity 'retired': unknown activity type 'Automation.RetiredRule': no activity of that type exists here, so it cannot run"], messages);
        }
        var latest = await StudioCalls.DefinitionAsync(host, "paid");
        Assert.Equal(draft.Id, latest["id"]!.GetValue<string>());
        Assert.DoesNotContain("Edited around", latest.ToJsonString());
        Assert.Equal(before, await File.ReadAllTextAsync(file));
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/import", loaded), 400, "Nothing was stored");

        // Removing the retired rule (and its connections) makes the workflow saveable again.
        loaded["root"]!["activities"]!.AsArray().Remove(StudioCalls.Activity(loaded, "retired"));
        var connections = loaded["root"]!["connections"]!.AsArray();
        foreach (var c in connections.Where(c => c!.ToJsonString().Contains("\"retired\"")).ToList()) connections.Remove(c);
        var saved = await Expect.JsonAsync(await StudioCalls.SaveAsync(host, loaded, publish: true), 200);
        Assert.True(saved["workflowDefinition"]!["isPublished"]!.GetValue<bool>());
        Assert.Contains("Edited around the retired rule.", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task The_real_Studio_draws_the_workflow_with_the_unknown_activity_shown_as_not_found()
    {
        Assert.True(HeadlessChromium.IsInstalled, $"{HeadlessChromium.Executable} is missing: apt-get install -y chromium (.ci/run does)");
        await using var host = await ServiceHost.StartAsync();
        await StoreDraftWithRetiredRuleAsync(host);
        await host.StopAsync();
        await using var service = KestrelService.Start(host);
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync($"{service.Address}/studio/edit/paid?apiKey={ServiceHost.ApiKey}");
        const string editor = "document.querySelector('elsa-workflow-definition-editor')";
        var drawn = await browser.WaitUntilAsync(
            $"{editor} && {editor}.innerText.includes('paidComment') && {editor}.innerText.includes('Not found: {Retired}')", TimeSpan.FromMinutes(3));
        await browser.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "artifacts", "studio-not-found-activity.png"));
        Assert.True(drawn, $"the designer did not draw the workflow: {await browser.EvaluateAsync("document.body.innerText.slice(0, 2000)")}");
        Assert.Equal("none", (await browser.EvaluateAsync("getComputedStyle(document.getElementById('blazor-error-ui')).display"))!.GetValue<string>());
    }
}
