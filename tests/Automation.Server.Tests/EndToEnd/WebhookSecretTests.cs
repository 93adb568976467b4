using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Hosting;
using Automation.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.EndToEnd;

/// Rotating the secret of the webhook URLs: the old one is refused at once, the new one works, also after a restart.
public sealed class WebhookSecretTests
{
    private static Dictionary<string, string> Pipeline() => new()
    {
        ["new"] = new StatusFlow("new", 100),
        ["packed"] = new StatusFlow("packed", 200).Add("hook", "Automation.WebhookTrigger", new { code = "packed" }),
        ["shipped"] = new StatusFlow("shipped", 300).Add("hook", "Automation.WebhookTrigger", new { code = "shipped" }),
    };

    private static Task<HttpResponseMessage> CallAsync(ServiceHost host, string secret, long id, string code) =>
        host.CreatePublicClient().PostAsync($"/hooks/{secret}?target=ORDER_{id}&code={code}", null);

    [Fact]
    public async Task Rotated_secret_replaces_the_configured_one_at_once_and_after_a_restart()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        await Expect.ProblemAsync(await host.CreatePublicClient().PostAsync("/api/webhooks/secret/rotate", null), 401);
        var rotated = await Expect.JsonAsync(await host.Client.PostAsync("/api/webhooks/secret/rotate", null), 200);
        var secret = rotated["secret"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{48}$", secret);
        Assert.NotEqual(ServiceHost.HookSecret, secret);
        Assert.EndsWith($"/hooks/{secret}?target=ORDER_{{id}}&code={{code}}", rotated["url"]!.GetValue<string>());

        // The configured secret stops working with the very next call; the rotated one moves the order.
        await Expect.ProblemAsync(await CallAsync(host, ServiceHost.HookSecret, id, "packed"), 403, "secret");
        Assert.True((await Expect.JsonAsync(await CallAsync(host, secret, id, "packed"), 200))["moved"]!.GetValue<bool>());

        await host.StopAsync();
        await host.StartAgainAsync();
        await Expect.ProblemAsync(await CallAsync(host, ServiceHost.HookSecret, id, "shipped"), 403, "secret");
        Assert.True((await Expect.JsonAsync(await CallAsync(host, secret, id, "shipped"), 200))["moved"]!.GetValue<bool>());

        // A second rotation retires the first rotated secret.
        var again = (await Expect.JsonAsync(await host.Client.PostAsync("/api/webhooks/secret/rotate", null), 200))["secret"]!.GetValue<string>();
        await Expect.ProblemAsync(await CallAsync(host, secret, id, "shipped"), 403, "secret");
        Assert.Equal(200, (int)(await CallAsync(host, again, id, "shipped")).StatusCode);
    }

    [Fact]
    public async Task Rotating_a_generated_secret_keeps_the_new_one_in_the_secrets_file_the_start_prints()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline(), new Dictionary<string, string?> { ["Webhooks:Secret"] = "" });
        // The generated secret lives in the home folder's data/secrets.json (the repository's here): put it back afterwards.
        var file = Path.Combine(host.Services.GetRequiredService<ServiceHome>().DataDirectory, "secrets.json");
        var before = await File.ReadAllTextAsync(file);
        try
        {
            await RotateGeneratedAsync(host, file);
        }
        finally
        {
            await File.WriteAllTextAsync(file, before);
        }
    }

    private static async Task RotateGeneratedAsync(ServiceHost host, string file)
    {
        var generated = host.Services.GetRequiredService<ServiceSecrets>();
        Assert.True(generated.WebhookSecretGenerated);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        Assert.Equal(200, (int)(await CallAsync(host, generated.WebhookSecret, id, "packed")).StatusCode);

        var secret = (await Expect.JsonAsync(await host.Client.PostAsync("/api/webhooks/secret/rotate", null), 200))["secret"]!.GetValue<string>();

        await Expect.ProblemAsync(await CallAsync(host, generated.WebhookSecret, id, "shipped"), 403, "secret");
        Assert.Equal(secret, JsonNode.Parse(await File.ReadAllTextAsync(file))!["webhookSecret"]!.GetValue<string>());
        await host.StopAsync();
        await host.StartAgainAsync();
        Assert.Equal(secret, host.Services.GetRequiredService<ServiceSecrets>().WebhookSecret);
        Assert.Equal(200, (int)(await CallAsync(host, secret, id, "shipped")).StatusCode);
    }
}
