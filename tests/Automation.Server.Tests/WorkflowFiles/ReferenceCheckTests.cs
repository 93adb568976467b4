using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Studio;
using Automation.Server.Tests.Support;
using Automation.Server.WorkflowFiles;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.WorkflowFiles;

/// Settings that name a status, employee, list, document template or form that does not exist are errors of
/// `validate`, the start (statuses, forms) and Studio's publish, each naming the file, activity, JSON path and the
/// missing reference.
public sealed class ReferenceCheckTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("automation-references-").FullName;

    /// A status "new" whose rules and trigger name a status, an employee, a list, a template and a form.
    private static string NewStatus(string status = "paid", long employee = 2, long list = 1, long template = 1, string form = "contact") =>
        new StatusFlow("new", 100)
            .Add("move", "Automation.ChangeStatus", new { status })
            .Add("tell", "Automation.Notify", new { message = "Look at {{ Order.Number }}", recipients = new[] { employee } })
            .Add("read", "Automation.ReadListItem", new { list, itemId = "1" })
            .Add("doc", "Automation.CreateDocument", new { template })
            .Add("onForm", "Automation.FormSubmittedTrigger", new { formId = form })
            .Connect("start->move", "start->tell", "start->read", "start->doc");

    private static string Paid() => new StatusFlow("paid", 200).Add("note", "Automation.AddComment", new { text = "paid" }).Connect("start->note");

    private (int Code, string Stdout, string Stderr) Validate(string databaseFile)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ValidateCommand.Run([_folder, $"--ConnectionStrings:Automation=Data Source={databaseFile}"], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Validate_without_a_database_checks_statuses_against_the_files_and_forms_against_the_configuration_and_says_what_it_skipped()
    {
        File.WriteAllText(Path.Combine(_folder, "new.json"), NewStatus(status: "payed", employee: 99, form: "newsletter"));
        File.WriteAllText(Path.Combine(_folder, "paid.json"), Paid());

        var (code, stdout, stderr) = Validate(Path.Combine(_folder, "none.db"));

        Assert.Equal(1, code);
        Assert.Contains($"References to employees, lists and document templates were not checked: no database at {Path.Combine(_folder, "none.db")}.", stdout);
        Assert.False(File.Exists(Path.Combine(_folder, "none.db")));
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"{_folder}/new.json: $.root.activities[1].status (activity 'move'): input 'Status' names order status 'payed', which does not exist; known: 'new', 'paid'", lines);
        Assert.Contains(lines, l => l.StartsWith($"{_folder}/new.json: $.root.activities[5].formId (activity 'onForm'): input 'FormId' names form 'newsletter', which does not exist; known: 'contact' (Contact us)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_with_the_service_database_checks_employees_lists_and_templates_too()
    {
        string database;
        await using (var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["paid"] = Paid() }))
        {
            database = Path.Combine(host.Folder, "automation.db");
            File.WriteAllText(Path.Combine(_folder, "paid.json"), Paid());
            File.WriteAllText(Path.Combine(_folder, "new.json"), NewStatus(employee: 99, list: 1, template: 7));
            await host.StopAsync();

            var (code, stdout, stderr) = Validate(database);

            Assert.Equal(1, code);
            Assert.DoesNotContain("not checked", stdout);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(3, lines.Length);
            Assert.Contains(lines, l => l.StartsWith($"{_folder}/new.json: $.root.activities[3].list (activity 'read'): input 'List' names list '1', which does not exist; no list exists", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith($"{_folder}/new.json: $.root.activities[2].recipients (activity 'tell'): input 'Recipients' names employee '99', which does not exist; known: '1' (Mia Manager), '2' (Sam Seller)", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith($"{_folder}/new.json: $.root.activities[4].template (activity 'doc'): input 'Template' names document template '7', which does not exist; no document template exists", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Studio_publish_refuses_a_missing_employee_naming_the_activity_and_path_and_accepts_an_existing_one()
    {
        await using var host = await ServiceHost.StartAsync();
        var paid = await StudioCalls.DefinitionAsync(host, "paid");
        var tell = StudioCalls.Activity(paid, "tellPaid");
        tell["recipients"] = StudioCalls.LiteralInput("Int64[]", "[2, 99]");

        var problem = await Expect.ProblemAsync(await StudioCalls.SaveAsync(host, paid, publish: true), 400, "Not published");
        var path = $"$.root.activities[{paid["root"]!["activities"]!.AsArray().IndexOf(tell)}].recipients";
        Assert.Equal(["paid.json: activity 'tellPaid': input 'Recipients' names employee '99', which does not exist; known: '1' (Mia Manager), '2' (Sam Seller)"],
            problem["errors"]![path]!.AsArray().Select(m => m!.GetValue<string>()));

        tell["recipients"] = StudioCalls.LiteralInput("Int64[]", "[2]");
        var saved = await Expect.JsonAsync(await StudioCalls.SaveAsync(host, paid, publish: true), 200);
        Assert.True(saved["workflowDefinition"]!["isPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_start_sync_refuses_a_status_that_no_file_defines_but_not_an_employee_the_service_creates_later()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100).Add("tell", "Automation.Notify", new { message = "Hi", recipients = new[] { 3L } }).Connect("start->tell"),
        });
        Assert.Contains(await host.GetArrayAsync("/api/statuses"), s => s!["code"]!.GetValue<string>() == "new");
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/employees", new { name = "Tia Third", email = "tia@shop.test" }), 201);

        // What the start runs (and the watcher after a git pull): a status of no file stops it, publishing nothing.
        await File.WriteAllTextAsync(Path.Combine(host.WorkflowsFolder, "paid.json"),
            new StatusFlow("paid", 200).Add("move", "Automation.ChangeStatus", new { status = "shipped" }).Connect("start->move"));
        var refused = await Assert.ThrowsAsync<InvalidWorkflowsException>(() =>
            host.Services.GetRequiredService<WorkflowDirectory>().SyncAsync(CancellationToken.None));
        Assert.Contains(refused.Errors, e => e.ToString().EndsWith(
            "paid.json: $.root.activities[1].status (activity 'move'): input 'Status' names order status 'shipped', which does not exist; known: 'new', 'paid'",
            StringComparison.Ordinal));
        Assert.DoesNotContain(await host.GetArrayAsync("/api/statuses"), s => s!["code"]!.GetValue<string>() == "paid");
    }

    [Fact]
    public async Task The_form_triggers_offer_the_configured_forms_and_callback_offers_only_callback_forms()
    {
        await using var host = await ServiceHost.StartAsync();
        var descriptors = (await host.GetAsync("/elsa/api/descriptors/activities"))["items"]!.AsArray();

        List<string> Choices(string type)
        {
            var input = descriptors.Single(d => d!["typeName"]!.GetValue<string>() == type)!["inputs"]!.AsArray()
                .Single(i => i!["name"]!.GetValue<string>() == "FormId")!;
            Assert.Equal("dropdown", input["uiHint"]!.GetValue<string>());
            return input["uiSpecifications"]!["selectList"]!["items"]!.AsArray().Select(i => i!["value"]!.GetValue<string>()).ToList();
        }

        Assert.Equal(["", "contact", "callback"], Choices("Automation.FormSubmittedTrigger"));
        Assert.Equal(["", "callback"], Choices("Automation.CallbackTrigger"));
        var options = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/elsa/api/descriptors/activities/Automation.CallbackTrigger/options/FormId",
            new { context = new JsonObject() }), 200);
        Assert.Equal("Call me back (callback)", options["items"]!["selectList"]!["items"]![1]!["text"]!.GetValue<string>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
