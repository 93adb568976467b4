using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.EndToEnd;

/// The generic HTTP voice service reports how an automated call ended to `POST /hooks/calls/result`, signed with the
/// configured callback secret; the Automated call rule waiting for the result goes on with it.
public sealed class HttpCallResultTests
{
    private const string Secret = "voice-callback-secret";

    private static HttpRequestMessage Report(string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/calls/result") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Callback-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(json))));
        return request;
    }

    [Fact]
    public async Task Signed_result_of_the_http_voice_service_resumes_the_waiting_call_rule_and_a_forged_one_changes_nothing()
    {
        await using var voice = await FakeGateway.StartAsync();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("call", "Automation.AutomatedCall", new { text = "Order {{ Order.Number }} ships today", waitForResult = true })
                .Add("log", "Automation.WriteToLog", new { text = "call result: {{ Activities.call.ResultText }}" })
                .Connect("start->call", "call->log"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, new Dictionary<string, string?>
        {
            ["Calls:Provider"] = "Http",
            ["Calls:Http:Url"] = voice.BaseUrl + "/calls",
            ["Calls:Http:CallbackSecret"] = Secret,
            ["Outbox:PollInterval"] = "00:00:00.200",
        });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await Eventually.TrueAsync(async () => (await host.TimelineTextsAsync(id)).Contains("Automated call placed to +15550100"), "the call was not placed");
        var placed = JsonNode.Parse(Assert.Single(voice.Requests).Body)!;
        Assert.Equal("Order 1001 ships today", placed["text"]!.GetValue<string>());
        using var provider = host.CreatePublicClient();

        // Unsigned, forged, unknown call, unknown status: refused, and the rule keeps waiting.
        var unsigned = new HttpRequestMessage(HttpMethod.Post, "/hooks/calls/result") { Content = new StringContent("""{"callId":"gw-1","status":"answered"}""") };
        await Expect.ProblemAsync(await provider.SendAsync(unsigned), 401, "X-Callback-Signature");
        await Expect.ProblemAsync(await provider.SendAsync(Report("""{"callId":"gw-1","status":"answered"}""", "not-the-secret")), 401, "X-Callback-Signature");
        await Expect.ProblemAsync(await provider.SendAsync(Report("""{"callId":"gw-9","status":"answered"}""", Secret)), 404, "gw-9");
        await Expect.ProblemAsync(await provider.SendAsync(Report("""{"callId":"gw-1","status":"exploded"}""", Secret)), 400, "'exploded'");
        Assert.Equal(HttpStatusCode.NoContent, (await provider.SendAsync(Report("""{"callId":"gw-1","status":"ringing"}""", Secret))).StatusCode);
        Assert.DoesNotContain(await host.TimelineTextsAsync(id), t => t.StartsWith("call result", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await provider.SendAsync(Report("""{"callId":"gw-1","status":"no-answer"}""", Secret))).StatusCode);
        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("Automated call to +15550100: no answer", timeline);
        Assert.Contains("call result: no answer", timeline);

        // The provider repeating its report changes nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await provider.SendAsync(Report("""{"callId":"gw-1","status":"no-answer"}""", Secret))).StatusCode);
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("call result", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_callback_secret_the_endpoint_is_not_there()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        using var provider = host.CreatePublicClient();
        await Expect.ProblemAsync(await provider.SendAsync(Report("""{"callId":"x","status":"answered"}""", Secret)), 404, "CallbackSecret");
    }
}
