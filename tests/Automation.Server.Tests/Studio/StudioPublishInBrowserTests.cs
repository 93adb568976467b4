using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// An analyst changes a rule in the real designer and publishes: the file changes and new orders run the change; an
/// invalid change is refused and Studio shows why.
public sealed class StudioPublishInBrowserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Analyst_edits_a_rule_input_and_publishes_then_the_file_changes_and_new_orders_run_it()
    {
        Assert.True(HeadlessChromium.IsInstalled, $"{HeadlessChromium.Executable} is missing: apt-get install -y chromium (.ci/run does)");
        await using var host = await ServiceHost.StartAsync();
        await host.StopAsync();
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var before = await File.ReadAllLinesAsync(file);
        await using var service = KestrelService.Start(host);
        await using var browser = await HeadlessChromium.StartAsync();

        await OpenRuleAsync(browser, service, "paidComment", "Author");
        await SetTextInputAsync(browser, "Author", "Studio Analyst");
        await browser.ClickAsync(PublishButton);
        Assert.True(await EventuallyAsync(async () => (await File.ReadAllTextAsync(file)).Contains("\"value\": \"Studio Analyst\"", StringComparison.Ordinal)),
            "publishing from the designer did not write paid.json");
        await browser.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "artifacts", "studio-published.png"));

        var after = await File.ReadAllLinesAsync(file);
        await File.WriteAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "artifacts", "paid.published-from-studio.json"), after);
        // The git diff: the version's id and number, and the edited value.
        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Where(p => p.First != p.Second).Select(p => p.Second.Trim()).ToList();
        Assert.Equal(3, changed.Count);
        Assert.StartsWith("\"id\": ", changed[0]);
        Assert.Equal(["\"version\": 2,", "\"value\": \"Studio Analyst\""], changed[1..]);

        // An order paid from now on runs the published change.
        var comment = (await NewOrderPaidAsync(service)).Single(e => e!["text"]!.GetValue<string>().StartsWith("Payment received for order", StringComparison.Ordinal))!;
        Assert.Equal("Studio Analyst", comment["author"]!.GetValue<string>());
    }

    [Fact]
    public async Task Analyst_drops_a_rule_from_the_palette_connects_it_sets_its_text_and_publishes_then_new_orders_run_it()
    {
        Assert.True(HeadlessChromium.IsInstalled, $"{HeadlessChromium.Executable} is missing: apt-get install -y chromium (.ci/run does)");
        await using var host = await ServiceHost.StartAsync();
        await host.StopAsync();
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        await using var service = KestrelService.Start(host);
        await using var browser = await HeadlessChromium.StartAsync();
        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");

        await browser.NavigateAsync($"{service.Address}/studio/edit/paid?apiKey={ServiceHost.ApiKey}");
        Assert.True(await browser.WaitUntilAsync("document.querySelectorAll('g.x6-node').length === 5", Patience), "the designer did not load");
        // HTML5 drag and drop from the palette onto the canvas, as the designer's handlers receive it.
        await browser.EvaluateAsync("""
            (() => {
              const item = [...document.querySelectorAll('div[draggable=true]')].find(d => d.textContent.trim() === 'Add comment');
              const canvas = document.querySelector('.x6-graph');
              const r = canvas.getBoundingClientRect();
              const at = { bubbles: true, cancelable: true, clientX: r.x + r.width * 0.55, clientY: r.y + 40, dataTransfer: new DataTransfer() };
              item.dispatchEvent(new DragEvent('dragstart', at));
              for (const type of ['dragenter', 'dragover', 'drop']) canvas.dispatchEvent(new DragEvent(type, at));
              item.dispatchEvent(new DragEvent('dragend', at));
            })()
            """);
        var dropped = await browser.WaitUntilAsync("document.querySelectorAll('g.x6-node').length === 6", Patience);
        await browser.ScreenshotAsync(Path.Combine(artifacts, "studio-dropped.png"));
        Assert.True(dropped, "the dropped rule did not appear on the canvas");
        var id = (await browser.EvaluateAsync(
            "[...document.querySelectorAll('g.x6-node')].map(g => g.getAttribute('data-cell-id')).find(i => !['start', 'onPayment', 'paidComment', 'tellPaid', 'allowDelivery'].includes(i))"))!.GetValue<string>();

        // Start's port already has connections leaving it to the right; grab the port left of them.
        await browser.DragAsync("document.querySelector('g[data-cell-id=\"start\"] [port-group=\"out\"]')",
            $"document.querySelector('g[data-cell-id=\"{id}\"] [port-group=\"in\"]')", fromShiftX: -9);
        await browser.ClickAsync($"document.querySelector('g[data-cell-id=\"{id}\"]')");
        Assert.True(await browser.WaitUntilAsync(InputOf("Text"), Patience), "the dropped rule's inputs did not show");
        await SetTextInputAsync(browser, "Text", "Dropped in from the palette.");
        await browser.ClickAsync(PublishButton);
        var published = await EventuallyAsync(async () => (await File.ReadAllTextAsync(file)).Contains("Dropped in from the palette.", StringComparison.Ordinal));
        await browser.ScreenshotAsync(Path.Combine(artifacts, "studio-dropped-published.png"));
        Assert.True(published, "publishing did not write the dropped rule to paid.json");

        var written = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal("Automation.AddComment", StudioCalls.Activity(written.AsObject(), id)["type"]!.GetValue<string>());
        Assert.Contains(written["root"]!["connections"]!.AsArray(),
            c => c!["source"]!["activity"]!.GetValue<string>() == "start" && c["target"]!["activity"]!.GetValue<string>() == id);

        Assert.Contains(await NewOrderPaidAsync(service), e => e!["text"]!.GetValue<string>() == "Dropped in from the palette.");
    }

    [Fact]
    public async Task Publishing_a_rule_with_its_required_text_emptied_shows_the_error_in_studio_and_publishes_nothing()
    {
        Assert.True(HeadlessChromium.IsInstalled, $"{HeadlessChromium.Executable} is missing: apt-get install -y chromium (.ci/run does)");
        await using var host = await ServiceHost.StartAsync();
        await host.StopAsync();
        // The comment's text as a plain literal, so the designer shows it as a text box rather than a script editor.
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        StudioCalls.Activity(document, "paidComment")["text"] = StudioCalls.LiteralInput("String", "Payment received.");
        await File.WriteAllTextAsync(file, document.ToJsonString());
        var before = await File.ReadAllTextAsync(file);
        await using var service = KestrelService.Start(host);
        await using var browser = await HeadlessChromium.StartAsync();

        await OpenRuleAsync(browser, service, "paidComment", "Text");
        await SetTextInputAsync(browser, "Text", "");
        await browser.ClickAsync(PublishButton);
        var shown = await browser.WaitUntilAsync("document.body.innerText.includes(\"required input 'Text' is\")", Patience);
        await browser.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "artifacts", "studio-publish-refused.png"));
        Assert.True(shown, $"Studio did not show the validation error: {await browser.EvaluateAsync("document.body.innerText.slice(0, 1500)")}");
        Assert.Equal(before, await File.ReadAllTextAsync(file));
        using var api = new HttpClient { BaseAddress = new Uri(service.Address) };
        api.DefaultRequestHeaders.Add("X-Api-Key", ServiceHost.ApiKey);
        var live = await Expect.JsonAsync(await api.GetAsync("/elsa/api/workflow-definitions/by-definition-id/paid?versionOptions=Published"), 200);
        Assert.Equal("Payment received.", StudioCalls.Activity(live, "paidComment")["text"]!["expression"]!["value"]!.GetValue<string>());
    }

    // The cloud-upload button of the designer's toolbar (the one before the publish menu's arrow).
    private const string PublishButton =
        "[...document.querySelectorAll('button.mud-menu-icon-button-activator')].map(b => b.previousElementSibling ?? b.parentElement.previousElementSibling?.querySelector('button')).find(b => b && b.classList.contains('mud-primary-text')) ?? document.querySelector('button.mud-primary-text')";

    /// Creates an order through the API, pays it (so it enters `paid` and runs its rules) and returns its timeline.
    private static async Task<JsonArray> NewOrderPaidAsync(KestrelService service)
    {
        using var api = new HttpClient { BaseAddress = new Uri(service.Address) };
        api.DefaultRequestHeaders.Add("X-Api-Key", ServiceHost.ApiKey);
        var order = await Expect.JsonAsync(await api.PostAsJsonAsync("/api/orders", new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
        }), 201);
        var id = order["id"]!.GetValue<long>();
        await Expect.JsonAsync(await api.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
        return (await Expect.JsonAsync(await api.GetAsync($"/api/orders/{id}/timeline"), 200))["items"]!.AsArray();
    }

    private static async Task OpenRuleAsync(HeadlessChromium browser, KestrelService service, string activityId, string input, string definitionId = "paid")
    {
        var node = $"document.querySelector('g[data-cell-id=\"{activityId}\"]')";
        await browser.NavigateAsync($"{service.Address}/studio/edit/{definitionId}?apiKey={ServiceHost.ApiKey}");
        Assert.True(await browser.WaitUntilAsync(node, Patience), "the designer did not load");
        await browser.ClickAsync(node);
        Assert.True(await browser.WaitUntilAsync(InputOf(input), Patience), $"the rule's input '{input}' did not show");
    }

    private static async Task SetTextInputAsync(HeadlessChromium browser, string label, string text)
    {
        await browser.EvaluateAsync($"(() => {{ const i = {InputOf(label)}; i.focus(); i.select(); }})()");
        if (text.Length > 0) await browser.TypeAsync(text);
        else await browser.EvaluateAsync("document.execCommand('delete')");
        await browser.PressTabAsync();
    }

    private static string InputOf(string label) =>
        $"[...document.querySelectorAll('.mud-input-control')].find(c => c.querySelector('legend')?.textContent.trim() === '{label}')?.querySelector('input, textarea')";

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow + Patience; DateTime.UtcNow < deadline; await Task.Delay(200))
            if (await condition()) return true;
        return false;
    }
}
