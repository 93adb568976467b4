using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// Read list item and Details information expose the fields chosen in each activity as outputs of their own names:
/// later rules reference them by name, and Studio's JavaScript editor is told about them (its Outputs tab lists only
/// the type's declared outputs in Studio 3.8).
public sealed class DynamicOutputsTests
{
    private const string Log = "Automation.WriteToLog";

    private static string Flow() => new StatusFlow("new", 100)
        .Add("setDetails", "Automation.EditDetails", new { details = new Dictionary<string, string> { ["taxId"] = "DE-{{ Order.Number }}", ["iban"] = "DE00 1234" } })
        .Add("details", "Automation.DetailsInformation", new { fields = new[] { "taxId", "legalName" } })
        .Add("read", "Automation.ReadListItem", new { list = 1, itemId = "1", fields = new[] { "order", "cost" } })
        .Add("log", Log, new { text = "tax {{ Activities.details.taxId }}, name [{{ Activities.details.legalName }}], iban [{{ Activities.details.iban }}]" })
        .Connect("start->setDetails", "setDetails->details", "details->log", "start->read");

    [Fact]
    public async Task Details_information_exposes_only_the_chosen_details_as_outputs_that_a_later_rule_reads_by_name()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = Flow() });

        var order = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        Assert.Contains("tax DE-1001, name [], iban []", await host.TimelineTextsAsync(order));
        var run = Assert.Single(await host.GetArrayAsync($"/api/orders/{order}/runs"))!;
        var details = run["activities"]!.AsArray().Last(a => a!["activityId"]!.GetValue<string>() == "details")!;
        Assert.DoesNotContain("iban", details["details"]!.ToJsonString());
    }

    [Fact]
    public async Task Studio_JavaScript_declarations_list_each_activity_s_outputs_with_its_chosen_fields_by_id_and_name()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = Flow() });

        var response = await host.Client.PostAsJsonAsync("/elsa/api/scripting/javascript/type-definitions/new",
            new { workflowDefinitionId = "new", activityTypeName = Log, propertyName = "Text" });
        var declarations = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("declare const Activities: {", declarations);
        Assert.Contains("  \"read\": { \"Values\": any; \"order\": any; \"cost\": any; };", declarations);
        Assert.Contains("  \"details\": { \"ClientId\": any; \"ClientName\": any; \"Kind\": any; \"Email\": any; \"Phone\": any; \"Details\": any; \"taxId\": any; \"legalName\": any; };", declarations);
        Assert.Contains("declare function getOutput(activity: string, output: string): any;", declarations);
        Assert.DoesNotContain("\"log\"", declarations);

        // After a Studio autosave changes the chosen fields, the declarations follow.
        var latest = await StudioCalls.DefinitionAsync(host, "new");
        StudioCalls.Activity(latest, "read")["fields"] = StudioCalls.LiteralInput("String[]", "[\"weight\"]");
        await Expect.JsonAsync(await StudioCalls.SaveAsync(host, latest, publish: false), 200);
        var after = await (await host.Client.PostAsJsonAsync("/elsa/api/scripting/javascript/type-definitions/new", new JsonObject())).Content.ReadAsStringAsync();
        Assert.Contains("  \"read\": { \"Values\": any; \"weight\": any; };", after);
    }
}
