using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Studio;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.EndToEnd;

/// The embeddable public form served by the host, filled in and sent from headless Chromium: the CRM form and Callback
/// triggers move the client's order.
public sealed class PublicFormInBrowserTests
{
    private static Dictionary<string, string> Pipeline() => new()
    {
        ["new"] = new StatusFlow("new", 100),
        ["contacted"] = new StatusFlow("contacted", 200).Add("form", "Automation.FormSubmittedTrigger", new { formId = "contact" }),
        ["callback"] = new StatusFlow("callback", 300).Add("callback", "Automation.CallbackTrigger", new { formId = "" }),
    };

    [Fact]
    public async Task Form_and_callback_form_sent_from_a_browser_move_the_client_s_order()
    {
        Assert.True(HeadlessChromium.IsInstalled, $"{HeadlessChromium.Executable} is missing: apt-get install -y chromium (.ci/run does)");
        await using var host = await ServiceHost.StartAsync(Pipeline());
        await host.StopAsync();
        await using var service = KestrelService.Start(host);
        using var api = new HttpClient { BaseAddress = new Uri(service.Address) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", ServiceHost.ApiKey);
        var created = await Expect.JsonAsync(await api.PostAsJsonAsync("/api/orders", new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com", phone = "+1 555 0100" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
        }), 201);
        var id = created["id"]!.GetValue<long>();
        async Task<string> StatusAsync() => (await Expect.JsonAsync(await api.GetAsync($"/api/orders/{id}"), 200))["status"]!.GetValue<string>();
        await using var browser = await HeadlessChromium.StartAsync();

        await FillAndSendAsync(browser, $"{service.Address}/forms/contact", ("name", "Ann Buyer"), ("email", "ann@example.com"), ("message", "Is it blue?"));
        Assert.Equal("contacted", await StatusAsync());

        await FillAndSendAsync(browser, $"{service.Address}/forms/phone-me?callback=true", ("phone", "+1 555 0100"));
        Assert.Equal("callback", await StatusAsync());

        var timeline = (await Expect.JsonAsync(await api.GetAsync($"/api/orders/{id}/timeline"), 200))["items"]!.AsArray()
            .Select(e => e!["text"]!.GetValue<string>()).ToList();
        Assert.Single(timeline, t => t.StartsWith("Status changed from 'new' to 'contacted'", StringComparison.Ordinal));
        Assert.Single(timeline, t => t.StartsWith("Status changed from 'contacted' to 'callback'", StringComparison.Ordinal));
    }

    /// Opens the form page, types into each field as a person would, presses Send with the mouse and waits for the thanks.
    private static async Task FillAndSendAsync(HeadlessChromium browser, string url, params (string Name, string Text)[] fields)
    {
        await browser.NavigateAsync(url);
        Assert.True(await browser.WaitUntilAsync("!!document.querySelector('#crm-form button[type=submit]')", TimeSpan.FromSeconds(20)), $"{url} shows no form");
        foreach (var (name, text) in fields)
        {
            await browser.EvaluateAsync($"document.querySelector('#crm-form [name={name}]').focus()");
            await browser.TypeAsync(text);
        }
        Assert.Equal(fields[0].Text, (await browser.EvaluateAsync($"document.querySelector('#crm-form [name={fields[0].Name}]').value"))!.GetValue<string>());
        await browser.ClickAsync("document.querySelector('#crm-form button[type=submit]')");
        var thanked = await browser.WaitUntilAsync("document.body && document.body.innerText.includes('Thank you')", TimeSpan.FromSeconds(20));
        Assert.True(thanked, $"after sending {url} the page shows: {await browser.EvaluateAsync("document.body.innerText")}");
    }
}
