using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Studio;

/// The real Elsa Studio (the npm package's WebAssembly) in headless Debian chromium against the service on 127.0.0.1.
public sealed class StudioInBrowserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Analyst_opens_the_pipeline_then_the_designer_shows_the_status_workflow_editable_with_its_rules()
    {
        Assert.True(HeadlessChromium.IsInstalled, $"{HeadlessChromium.Executable} is missing: apt-get install -y chromium (.ci/run does)");
        await using var host = await ServiceHost.StartAsync();
        await host.StopAsync();
        await using var service = KestrelService.Start(host);
        await using var browser = await HeadlessChromium.StartAsync();

        await browser.NavigateAsync($"{service.Address}/studio/?apiKey={ServiceHost.ApiKey}");
        Assert.True(await browser.WaitUntilAsync("document.querySelectorAll('[data-status]').length === 5", Patience),
            $"start page: {await browser.EvaluateAsync("document.body.innerText")}");

        await browser.EvaluateAsync("document.querySelector('[data-status=\"paid\"] a').click()");
        const string editor = "document.querySelector('elsa-workflow-definition-editor')";
        var loaded = await browser.WaitUntilAsync($"{editor} && {editor}.innerText.includes('paidComment') && {editor}.innerText.includes('tellPaid')", Patience);
        await browser.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "artifacts", "studio-editor-paid.png"));
        Assert.True(loaded, $"the designer did not show the workflow: {await browser.EvaluateAsync("document.body.innerText.slice(0, 2000)")}");

        Assert.False((await browser.EvaluateAsync("document.body.innerText.includes('read-only mode')"))!.GetValue<bool>());
        Assert.Equal("none", (await browser.EvaluateAsync("getComputedStyle(document.getElementById('blazor-error-ui')).display"))!.GetValue<string>());
        Assert.True((await browser.EvaluateAsync($"{editor}.innerText.includes('Payment received')"))!.GetValue<bool>());
    }
}
