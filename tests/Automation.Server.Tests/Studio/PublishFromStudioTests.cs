using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// Files stay the truth: publishing from Studio validates, makes the version live for orders entering the status
/// from then on, and writes the workflow file back so the change reads as a small git diff.
public sealed class PublishFromStudioTests
{
    private const string NewText = "Paid in full: order {{ Order.Number }} goes to the warehouse.";

    [Fact]
    public async Task Publishing_writes_the_file_back_with_only_the_changed_lines_and_new_orders_run_the_new_version()
    {
        await using var host = await ServiceHost.StartAsync();
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var before = await File.ReadAllLinesAsync(file);
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        var comment = StudioCalls.Activity(paid, "paidComment");
        comment["text"]!["expression"]!["value"] = NewText;
        // The designer moves the node it last touched to the end of the list.
        var activities = paid["root"]!["activities"]!.AsArray();
        activities.Remove(comment);
        activities.Add(comment);

        // Autosave: a draft in the database; the file and the live version stay as they were.
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: false), 200);
        Assert.Equal(before, await File.ReadAllLinesAsync(file));
        Assert.Equal(1, (await StudioCalls.DefinitionAsync(host, "paid", "Published"))["version"]!.GetValue<int>());

        var saved = await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: true), 200);
        var definition = saved["workflowDefinition"]!;
        Assert.Equal(2, definition["version"]!.GetValue<int>());
        Assert.True(definition["isLatest"]!.GetValue<bool>());
        Assert.True(definition["isPublished"]!.GetValue<bool>());
        Assert.Contains(definition["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "publish");
        Assert.False(saved["alreadyPublished"]!.GetValue<bool>());
        Assert.Empty(saved["validationErrors"]!.AsArray());

        // Same lines in the same order, two-space indent: only the version's id and number and the edited text differ.
        var after = await File.ReadAllLinesAsync(file);
        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Where(p => p.First != p.Second).Select(p => p.Second.Trim()).ToList();
        Assert.Equal(3, changed.Count);
        Assert.StartsWith("\"id\": \"", changed[0]);
        Assert.Equal("\"version\": 2,", changed[1]);
        Assert.Equal($"\"value\": \"{NewText}\"", changed[2]);

        var order = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{order}/payments", new { amount = 40 }), 201);
        Assert.Contains("Paid in full: order 1001 goes to the warehouse.", await host.TimelineTextsAsync(order));

        // Publishing the same content again changes nothing.
        var again = await Expect.JsonAsync(await StudioCalls.SaveAsync(host, definition.AsObject(), publish: true), 200);
        Assert.True(again["alreadyPublished"]!.GetValue<bool>());
        Assert.Equal(2, again["workflowDefinition"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Orders_already_waiting_in_a_status_finish_on_the_version_they_started_with_and_new_orders_run_the_published_one()
    {
        await using var host = await ServiceHost.StartAsync();
        var early = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var draft = await StudioCalls.DefinitionAsync(host, "new");
        StudioCalls.Activity(draft, "reminder")["text"]!["expression"]!["value"] = "Reminder v2: order {{ Order.Number }} is unpaid.";
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, draft, publish: true), 200);
        var late = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        await host.AdvanceAsync(TimeSpan.FromDays(3.5));
        Assert.Contains("Order 1001 is still not paid three days after it was placed.", await host.TimelineTextsAsync(early));
        Assert.DoesNotContain(await host.TimelineTextsAsync(early), t => t.StartsWith("Reminder v2", StringComparison.Ordinal));
        Assert.Contains("Reminder v2: order 1002 is unpaid.", await host.TimelineTextsAsync(late));
    }

    [Fact]
    public async Task A_restart_reads_the_written_file_as_the_published_version_without_publishing_it_again()
    {
        await using var host = await ServiceHost.StartAsync();
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        StudioCalls.Activity(paid, "paidComment")["text"]!["expression"]!["value"] = NewText;
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: true), 200);
        var written = await File.ReadAllTextAsync(Path.Combine(host.WorkflowsFolder, "paid.json"));
        Assert.DoesNotContain("null", written, StringComparison.Ordinal);
        Assert.DoesNotContain("\"links\"", written, StringComparison.Ordinal);
        Assert.DoesNotContain("memoryReference", written, StringComparison.Ordinal);
        Assert.StartsWith("{\n  \"$schema\": ", written, StringComparison.Ordinal);

        await host.StopAsync();
        await host.StartAgainAsync();
        var history = await host.GetAsync("/elsa/api/workflow-definitions?versionOptions=AllVersions&DefinitionIds=paid");
        Assert.Equal(2, history["totalCount"]!.GetValue<int>());
        var live = await StudioCalls.DefinitionAsync(host, "paid", "Published");
        Assert.Equal(2, live["version"]!.GetValue<int>());
        Assert.Equal(NewText, StudioCalls.Activity(live, "paidComment")["text"]!["expression"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_invalid_workflow_is_refused_with_problem_details_naming_the_activity_and_nothing_goes_live()
    {
        await using var host = await ServiceHost.StartAsync();
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var before = await File.ReadAllTextAsync(file);
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        // A rule dropped from the palette whose required status was never set.
        paid["root"]!["activities"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "9f1c2b3a4d5e6f70",
            ["nodeId"] = "Workflow1:flow:9f1c2b3a4d5e6f70",
            ["name"] = "ChangeStatus1",
            ["type"] = "Automation.ChangeStatus",
            ["version"] = 1,
            ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = 600, ["y"] = 0 } } },
        });

        var response = await StudioCalls.SaveAsync(host, paid, publish: true);
        var problem = await Expect.ProblemAsync(response, 400, "Not published");
        var errors = problem["errors"]!.AsObject();
        var messages = errors.SelectMany(e => e.Value!.AsArray().Select(m => $"{e.Key}: {m}")).ToList();
        Assert.Contains(messages, m => m.Contains("$.root.activities[", StringComparison.Ordinal)
                                       && m.Contains("'9f1c2b3a4d5e6f70'", StringComparison.Ordinal) && m.Contains("Status", StringComparison.Ordinal));

        Assert.Equal(before, await File.ReadAllTextAsync(file));
        Assert.Equal(1, (await StudioCalls.DefinitionAsync(host, "paid", "Published"))["version"]!.GetValue<int>());
        var latest = await StudioCalls.DefinitionAsync(host, "paid");
        Assert.False(latest["isPublished"]!.GetValue<bool>());
        Assert.Contains(latest["root"]!["activities"]!.AsArray(), a => a!["id"]!.GetValue<string>() == "9f1c2b3a4d5e6f70");
    }

    [Fact]
    public async Task A_new_status_workflow_gets_its_own_file_and_joins_the_pipeline_in_sort_order()
    {
        await using var host = await ServiceHost.StartAsync();
        var model = Automation.Server.Studio.StudioPages.NewStatusWorkflow("packed", "Packed", 250, "process");
        var saved = await Expect.JsonAsync(await StudioCalls.SaveAsync(host, model, publish: true), 200);
        Assert.Equal("packed", saved["workflowDefinition"]!["definitionId"]!.GetValue<string>());

        var file = Path.Combine(host.WorkflowsFolder, "packed.json");
        Assert.True(File.Exists(file));
        var written = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        Assert.Equal(["$schema", "id", "definitionId", "name", "version", "isLatest", "isPublished", "toolVersion", "customProperties"],
            written.Select(p => p.Key).Take(9).ToList());
        var statuses = await host.GetArrayAsync("/api/statuses");
        Assert.Equal(["new", "paid", "packed", "shipped", "completed", "canceled"], statuses.Select(s => s!["code"]!.GetValue<string>()).ToList());

        // A second workflow claiming the same status code is refused: codes are unique across files.
        var clash = Automation.Server.Studio.StudioPages.NewStatusWorkflow("packed-again", "Packed again", 260, "process");
        clash["customProperties"]!["orderStatus"]!["code"] = "packed";
        var problem = await Expect.ProblemAsync(await StudioCalls.SaveAsync(host, clash, publish: true), 400);
        var messages = problem["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains(messages, m => m.Contains("duplicate order status code 'packed'", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(host.WorkflowsFolder, "packed-again.json")));
    }

    [Fact]
    public async Task Unpublishing_takes_the_status_and_its_file_away_and_a_restart_keeps_it_unpublished()
    {
        await using var host = await ServiceHost.StartAsync();
        var retracted = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/shipped/retract", new { }), 200);
        Assert.False(retracted["isPublished"]!.GetValue<bool>());
        Assert.True(retracted["isLatest"]!.GetValue<bool>());
        Assert.False(File.Exists(Path.Combine(host.WorkflowsFolder, "shipped.json")));
        Assert.DoesNotContain(await host.GetArrayAsync("/api/statuses"), s => s!["code"]!.GetValue<string>() == "shipped");

        await host.StopAsync();
        await host.StartAgainAsync();
        Assert.DoesNotContain(await host.GetArrayAsync("/api/statuses"), s => s!["code"]!.GetValue<string>() == "shipped");

        // Publishing it again (the list screens' Publish) brings the file back.
        var published = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/shipped/publish", new { }), 200);
        Assert.True(published["workflowDefinition"]!["isPublished"]!.GetValue<bool>());
        Assert.True(File.Exists(Path.Combine(host.WorkflowsFolder, "shipped.json")));
        Assert.Contains(await host.GetArrayAsync("/api/statuses"), s => s!["code"]!.GetValue<string>() == "shipped");
    }

    [Fact]
    public async Task Run_button_moves_a_new_test_order_into_the_status_and_reports_the_instance_in_the_header()
    {
        await using var host = await ServiceHost.StartAsync();
        var response = await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/paid/execute", new { versionOptions = "Published" });
        var body = await Expect.JsonAsync(response, 200);
        var instanceId = Assert.Single(response.Headers.GetValues("x-elsa-workflow-instance-id"));
        Assert.Equal(instanceId, body["workflowInstanceId"]!.GetValue<string>());
        var orderId = body["orderId"]!.GetValue<long>();
        Assert.Equal("paid", (await host.GetAsync($"/api/orders/{orderId}"))["status"]!.GetValue<string>());
        Assert.Contains(await host.TimelineTextsAsync(orderId), t => t.StartsWith("Payment received for order", StringComparison.Ordinal));

        // With an order given, that order is used.
        var again = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/shipped/execute",
            new { input = new { orderId } }), 200);
        Assert.Equal(orderId, again["orderId"]!.GetValue<long>());
        Assert.Equal("shipped", (await host.GetAsync($"/api/orders/{orderId}"))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/nope/execute", new { })).StatusCode);
    }

    [Fact]
    public async Task Run_with_a_trigger_id_starts_as_that_trigger_would_and_an_unknown_id_is_refused_before_anything_is_created()
    {
        await using var host = await ServiceHost.StartAsync();

        // A trigger of a published status workflow: the order enters the status by that trigger, and the rules run.
        var byTrigger = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/paid/execute",
            new { versionOptions = "Published", triggerActivityId = "onPayment" }), 200);
        var orderId = byTrigger["orderId"]!.GetValue<long>();
        Assert.Equal("paid", (await host.GetAsync($"/api/orders/{orderId}"))["status"]!.GetValue<string>());
        var timeline = await host.TimelineTextsAsync(orderId);
        Assert.Contains("Status changed from 'new' to 'paid' (trigger Automation.PaymentTrigger)", timeline);
        Assert.Contains(timeline, t => t.StartsWith("Payment received for order", StringComparison.Ordinal));

        // Any other activity: the run starts there (Elsa's start rule 1) for the order, without moving it; what hangs
        // off Start does not run.
        var other = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var fromRule = await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/paid/execute",
            new { versionOptions = "Published", triggerActivityId = "paidComment", input = new { orderId = other } });
        var instanceId = Assert.Single(fromRule.Headers.GetValues("x-elsa-workflow-instance-id"));
        await Expect.JsonAsync(fromRule, 200);
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{other}"))["status"]!.GetValue<string>());
        Assert.Contains(await host.TimelineTextsAsync(other), t => t.StartsWith("Payment received for order", StringComparison.Ordinal));
        var runs = await host.GetArrayAsync($"/api/orders/{other}/runs");
        var run = Assert.Single(runs, r => r!["instanceId"]!.GetValue<string>() == instanceId)!;
        Assert.Equal(["paidComment"], run["activities"]!.AsArray().Select(a => a!["activityId"]!.GetValue<string>()).Distinct());

        var before = (await host.GetAsync("/api/orders"))["total"]!.GetValue<int>();
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions/paid/execute",
            new { triggerActivityId = "nope" }), 400, "triggerActivityId 'nope'", "paid v1");
        Assert.Equal(before, (await host.GetAsync("/api/orders"))["total"]!.GetValue<int>());
    }
}
