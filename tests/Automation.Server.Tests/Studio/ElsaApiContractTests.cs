using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// The Elsa 3 API subset answers every request Studio's editor makes in the shapes and casing Studio reads
/// (elsa-contract.md §0, §2.3).
public sealed class ElsaApiContractTests
{
    [Fact]
    public async Task Editor_load_requests_answer_with_camel_case_definitions_descriptors_and_strategy_lists()
    {
        await using var host = await ServiceHost.StartAsync();

        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        Assert.Equal("paid", paid["definitionId"]!.GetValue<string>());
        Assert.True(paid["isLatest"]!.GetValue<bool>());
        Assert.True(paid["isPublished"]!.GetValue<bool>());
        Assert.Equal(1, paid["version"]!.GetValue<int>());
        Assert.Equal("Elsa.Flowchart", paid["root"]!["type"]!.GetValue<string>());
        Assert.Null(paid["$schema"]);
        Assert.NotNull(paid["createdAt"]);
        var links = paid["links"]!.AsArray().Select(l => (Rel: l!["rel"]!.GetValue<string>(), Method: l["method"]!.GetValue<string>())).ToList();
        Assert.Contains(("publish", "POST"), links);
        Assert.Contains(("retract", "POST"), links);
        // Every activity stored in the workflow has a descriptor, or Studio draws an empty canvas.
        var activities = await host.GetAsync("/elsa/api/descriptors/activities?Refresh=True");
        var items = activities["items"]!.AsArray();
        Assert.Equal(items.Count, activities["count"]!.GetValue<int>());
        var known = items.Select(d => (d!["typeName"]!.GetValue<string>(), d["version"]!.GetValue<int>())).ToHashSet();
        foreach (var activity in paid["root"]!["activities"]!.AsArray())
            Assert.Contains((activity!["type"]!.GetValue<string>(), activity["version"]!.GetValue<int>()), known);
        var trigger = items.Single(d => d!["typeName"]!.GetValue<string>() == "Automation.PaymentTrigger")!;
        Assert.Equal("Trigger", trigger["kind"]!.GetValue<string>());
        var start = items.Single(d => d!["typeName"]!.GetValue<string>() == "Elsa.Start")!;
        Assert.True(start["isStart"]!.GetValue<bool>());
        var comment = items.Single(d => d!["typeName"]!.GetValue<string>() == "Automation.AddComment")!;
        var text = comment["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Text")!;
        Assert.Equal("String", text["typeName"]!.GetValue<string>());
        Assert.True(text["isWrapped"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(text["uiHint"]!.GetValue<string>()));

        var expressions = (await host.GetAsync("/elsa/api/descriptors/expression-descriptors"))["items"]!.AsArray();
        var liquid = expressions.Single(e => e!["type"]!.GetValue<string>() == "Liquid")!;
        Assert.True(liquid["isBrowsable"]!.GetValue<bool>());
        Assert.Equal("liquid", liquid["properties"]!["MonacoLanguage"]!.GetValue<string>());
        Assert.False(expressions.Single(e => e!["type"]!.GetValue<string>() == "Literal")!["isBrowsable"]!.GetValue<bool>());

        var activation = (await host.GetAsync("/elsa/api/descriptors/workflow-activation-strategies"))["items"]!.AsArray();
        Assert.Equal("Always", activation[0]!["displayName"]!.GetValue<string>());
        var logging = (await host.GetAsync("/elsa/api/descriptors/log-persistence-strategies"))["items"]!.AsArray();
        Assert.Equal(["Inherit", "Include", "Exclude"], logging.Select(s => s!["displayName"]!.GetValue<string>()).ToList());
        Assert.StartsWith("Elsa.Workflows.LogPersistence.Strategies.Inherit, ", logging[0]!["typeName"]!.GetValue<string>());
        var features = await host.GetAsync("/elsa/api/features/installed");
        Assert.Empty(features["items"]!.AsArray());
        Assert.Equal(0, features["count"]!.GetValue<int>());
        Assert.Empty((await host.GetAsync("/elsa/api/descriptors/incident-strategies"))["items"]!.AsArray());
        Assert.Empty((await host.GetAsync("/elsa/api/descriptors/commit-strategies/workflows"))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/elsa/api/features/installed/Elsa.Resilience")).StatusCode);
    }

    [Fact]
    public async Task Variables_tab_lists_types_and_storage_drivers_and_dropdowns_offer_employees_and_statuses_from_the_database()
    {
        await using var host = await ServiceHost.StartAsync();
        var types = (await host.GetAsync("/elsa/api/descriptors/variables"))["items"]!.AsArray();
        Assert.Contains(types, t => t!["typeName"]!.GetValue<string>() == "String" && t["category"]!.GetValue<string>() == "Primitives");
        var drivers = (await host.GetAsync("/elsa/api/descriptors/storage-drivers"))["items"]!.AsArray();
        Assert.Equal("Elsa.Workflows.WorkflowInstanceStorageDriver, Elsa.Workflows.Core", drivers[0]!["typeName"]!.GetValue<string>());

        var descriptors = (await host.GetAsync("/elsa/api/descriptors/activities"))["items"]!.AsArray();
        JsonArray ItemsOf(string typeName, string input, string list = "selectList") => descriptors
            .Single(d => d!["typeName"]!.GetValue<string>() == typeName)!["inputs"]!
            .AsArray().Single(i => i!["name"]!.GetValue<string>() == input)!["uiSpecifications"]![list]!["items"]!.AsArray();
        var employees = ItemsOf("Automation.Notify", "Sender");
        Assert.Equal(employees.ToJsonString(), ItemsOf("Automation.Notify", "Recipients", "checkList").ToJsonString());
        // Filled from the provider the descriptor names; the name is not sent on, or Studio would look for a provider of its own.
        Assert.False(descriptors.Single(d => d!["typeName"]!.GetValue<string>() == "Automation.Notify")!["inputs"]!.AsArray()
            .Single(i => i!["name"]!.GetValue<string>() == "Recipients")!["uiSpecifications"]!.AsObject().ContainsKey("providerName"));
        Assert.Equal(["Mia Manager (mia@shop.test)", "Sam Seller (sam@shop.test)"], employees.Select(i => i!["text"]!.GetValue<string>()).Order().ToList());
        var statuses = ItemsOf("Automation.ChangeStatus", "Status").Select(i => i!["value"]!.GetValue<string>()).ToList();
        Assert.Equal(["new", "paid", "shipped", "completed", "canceled"], statuses);

        // An employee added now is offered at once, also through the options endpoint Studio calls for refreshable inputs.
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/employees", new { name = "Zoe Packer", email = "zoe@shop.test" }), 201);
        var refreshed = await Expect.JsonAsync(await host.Client.PostAsJsonAsync(
            "/elsa/api/descriptors/activities/Automation.Notify/options/Sender", new { context = new { } }), 200);
        Assert.Contains(refreshed["items"]!["selectList"]!["items"]!.AsArray(), i => i!["text"]!.GetValue<string>() == "Zoe Packer (zoe@shop.test)");
    }

    [Fact]
    public async Task Elsa_api_requires_the_api_key_that_studio_sends_as_an_authorization_header()
    {
        await using var host = await ServiceHost.StartAsync();
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/elsa/api/workflow-definitions/by-definition-id/paid");
        anonymous.Headers.Authorization = null;
        var bare = StudioCalls.AnonymousClient(host);
        await Expect.ProblemAsync(await bare.SendAsync(anonymous), 401, "no API key");
        bare.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", "wrong");
        await Expect.ProblemAsync(await bare.GetAsync("/elsa/api/descriptors/activities"), 401, "wrong");
        bare.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", ServiceHost.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await bare.GetAsync("/elsa/api/descriptors/activities")).StatusCode);
    }

    [Fact]
    public async Task Version_history_lists_pages_of_summaries_and_query_names_are_read_in_any_case()
    {
        await using var host = await ServiceHost.StartAsync();
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        StudioCalls.Activity(paid, "paidComment")["title"] = StudioCalls.LiteralInput("String", "Confirm the payment (draft)");
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: false), 200);

        // Exactly the request Studio's version-history tab makes.
        var history = await host.GetAsync(
            "/elsa/api/workflow-definitions?versionOptions=AllVersions&Page=0&PageSize=10&DefinitionIds=paid&OrderBy=Version&OrderDirection=Descending");
        Assert.Equal(2, history["totalCount"]!.GetValue<int>());
        var rows = history["items"]!.AsArray();
        Assert.Equal([2, 1], rows.Select(r => r!["version"]!.GetValue<int>()).ToList());
        Assert.Equal([true, false], rows.Select(r => r!["isLatest"]!.GetValue<bool>()).ToList());
        Assert.Equal([false, true], rows.Select(r => r!["isPublished"]!.GetValue<bool>()).ToList());
        Assert.Equal("Json", rows[0]!["materializerName"]!.GetValue<string>());
        Assert.True(rows[0]!["isMaterializerAvailable"]!.GetValue<bool>());

        var page = await host.GetAsync("/elsa/api/workflow-definitions?VERSIONOPTIONS=published&page=1&pagesize=2&orderby=Name");
        Assert.Equal(5, page["totalCount"]!.GetValue<int>());
        Assert.Equal(2, page["items"]!.AsArray().Count);
        var published = await StudioCalls.DefinitionAsync(host, "paid", "published");
        Assert.Equal(1, published["version"]!.GetValue<int>());
        Assert.False(published["isLatest"]!.GetValue<bool>());
        Assert.Equal(2, (await StudioCalls.DefinitionAsync(host, "paid", "2"))["version"]!.GetValue<int>());
        Assert.Equal(2, (await host.GetAsync("/elsa/api/workflow-definitions/paid/versions"))["items"]!.AsArray().Count);

        await Expect.ProblemAsync(await host.Client.GetAsync("/elsa/api/workflow-definitions/by-definition-id/nope"), 404, "nope");
        await Expect.ProblemAsync(await host.Client.GetAsync("/elsa/api/workflow-definitions/paid?versionOptions=Sometimes"), 400, "Sometimes");
    }

    [Fact]
    public async Task Export_import_revert_and_name_check_work_on_the_stored_versions()
    {
        await using var host = await ServiceHost.StartAsync();
        var export = await host.Client.GetAsync("/elsa/api/workflow-definitions/paid/export?versionOptions=1&includeConsumingWorkflows=False");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("paid.json", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var exported = JsonNode.Parse(await export.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("$schema", exported.First().Key);
        Assert.Null(exported["links"]);

        exported["definitionId"] = "paid-copy";
        exported["name"] = "Paid (copy)";
        exported["customProperties"]!.AsObject().Remove("orderStatus");
        var imported = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/import", exported), 200);
        Assert.Equal("paid-copy", imported["definitionId"]!.GetValue<string>());
        Assert.False(imported["isPublished"]!.GetValue<bool>());

        var unique = await host.GetAsync("/elsa/api/workflow-definitions/validation/is-name-unique?name=paid%20(COPY)");
        Assert.False(unique["isUnique"]!.GetValue<bool>());
        Assert.True((await host.GetAsync("/elsa/api/workflow-definitions/validation/is-name-unique?name=Paid%20(copy)&definitionId=paid-copy"))["isUnique"]!.GetValue<bool>());

        var draft = await StudioCalls.DefinitionAsync(host, "paid");
        draft["description"] = "Changed, then reverted.";
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, draft, publish: false), 200);
        var reverted = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/paid/revert/1", new { }), 200);
        Assert.Equal(2, reverted["version"]!.GetValue<int>());
        Assert.Equal("A payment moves the order here; the warehouse is told to prepare it.", reverted["description"]!.GetValue<string>());
    }
}
