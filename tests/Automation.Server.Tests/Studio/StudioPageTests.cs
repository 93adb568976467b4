using System.Net;
using System.Text.RegularExpressions;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// /studio: the pipeline overview and the editor page, behind the API key, and the package's files.
public sealed partial class StudioPageTests
{
    [Fact]
    public async Task Studio_asks_for_the_api_key_then_remembers_it_and_lists_the_statuses_in_pipeline_order_with_their_rules()
    {
        await using var host = await ServiceHost.StartAsync();
        var browser = StudioCalls.AnonymousClient(host);

        var signIn = await browser.GetAsync("/studio/");
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Contains("name=\"apiKey\"", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/studio/?apiKey=wrong")).StatusCode);

        var remembered = await browser.GetAsync($"/studio/?apiKey={ServiceHost.ApiKey}");
        Assert.Equal(HttpStatusCode.Redirect, remembered.StatusCode);
        Assert.Equal("/studio/", remembered.Headers.Location?.OriginalString);
        var cookie = Assert.Single(remembered.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        browser.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        var page = await browser.GetAsync("/studio/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(["new", "paid", "shipped", "completed", "canceled"], StatusCodes().Matches(html).Select(m => m.Groups[1].Value).ToList());
        var paid = html[html.IndexOf("data-status=\"paid\"", StringComparison.Ordinal)..html.IndexOf("data-status=\"shipped\"", StringComparison.Ordinal)];
        Assert.Contains("Payment received", paid, StringComparison.Ordinal);
        Assert.Contains("Confirm the payment", paid, StringComparison.Ordinal);
        Assert.Contains("href=\"edit/paid\"", paid, StringComparison.Ordinal);
        Assert.Contains("action=\"statuses\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editor_page_hosts_the_registered_element_with_endpoint_and_key_and_every_file_it_loads_is_served()
    {
        await using var host = await ServiceHost.StartAsync();
        var html = await (await host.Client.GetAsync("/studio/edit/paid")).Content.ReadAsStringAsync();
        Assert.Contains(
            $"<elsa-workflow-definition-editor definition-id=\"paid\" remote-endpoint=\"http://localhost/elsa/api\" api-key=\"{ServiceHost.ApiKey}\">",
            html, StringComparison.Ordinal);
        Assert.Contains("<base href=\"/studio/\">", html, StringComparison.Ordinal);

        var files = Assets().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("_framework/blazor.webassembly.js", files);
        var browser = StudioCalls.AnonymousClient(host);
        foreach (var file in files)
            Assert.True((await browser.GetAsync("/studio/" + file)).IsSuccessStatusCode, $"/studio/{file} is not served");

        var folder = host.Services.GetService(typeof(Automation.Server.Studio.StudioFiles)) as Automation.Server.Studio.StudioFiles;
        var wasm = Directory.EnumerateFiles(Path.Combine(folder!.Folder!, "_framework"), "*.wasm").Select(Path.GetFileName).First();
        var response = await browser.GetAsync($"/studio/_framework/{wasm}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/wasm", response.Content.Headers.ContentType?.MediaType);

        // A browser that accepts Brotli gets the package's precompressed copy, still typed as WebAssembly.
        using var compressed = new HttpRequestMessage(HttpMethod.Get, $"/studio/_framework/{wasm}");
        compressed.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        var brotli = await browser.SendAsync(compressed);
        Assert.Equal(HttpStatusCode.OK, brotli.StatusCode);
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Equal("application/wasm", brotli.Content.Headers.ContentType?.MediaType);
        var size = new FileInfo(Path.Combine(folder.Folder!, "_framework", wasm!)).Length;
        Assert.True((await brotli.Content.ReadAsByteArrayAsync()).Length < size);
    }

    [Fact]
    public async Task Creating_a_status_from_the_start_page_opens_its_draft_in_the_editor_and_refuses_a_code_in_use()
    {
        await using var host = await ServiceHost.StartAsync();
        var browser = StudioCalls.AnonymousClient(host);
        browser.DefaultRequestHeaders.Add("X-Api-Key", ServiceHost.ApiKey);
        FormUrlEncodedContent Form(string code) => new(new Dictionary<string, string>
        {
            ["code"] = code,
            ["name"] = "Packed, waiting for the courier",
            ["sort"] = "250",
            ["semantics"] = "process",
        });

        var created = await browser.PostAsync("/studio/statuses", Form("packed"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/studio/edit/packed", created.Headers.Location?.OriginalString);
        var draft = await StudioCalls.DefinitionAsync(host, "packed");
        Assert.False(draft["isPublished"]!.GetValue<bool>());
        Assert.Equal("packed", draft["customProperties"]!["orderStatus"]!["code"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(host.WorkflowsFolder, "packed.json")));
        Assert.Contains("Packed, waiting for the courier", await (await browser.GetAsync("/studio/")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var refused = await browser.PostAsync("/studio/statuses", Form("paid"));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        var message = await (await browser.GetAsync(refused.Headers.Location)).Content.ReadAsStringAsync();
        Assert.Contains("A status or workflow &#x27;paid&#x27; exists already.", message, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-status=\"([^\"]+)\"")]
    private static partial Regex StatusCodes();

    [GeneratedRegex("(?:src|href)=\"(_[^\"]+|Elsa[^\"]+)\"")]
    private static partial Regex Assets();
}
