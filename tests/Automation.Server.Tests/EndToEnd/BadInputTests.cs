using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.EndToEnd;

/// What a caller gets wrong gets a 4xx problem naming the fault, and nothing stored changes.
public sealed class BadInputTests
{
    [Fact]
    public async Task Requests_without_the_right_api_key_are_refused()
    {
        await using var host = await ServiceHost.StartAsync();
        host.Client.DefaultRequestHeaders.Authorization = null;
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/orders"), 401, "no API key");
        host.Client.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/orders"), 401, "wrong");
        host.Client.DefaultRequestHeaders.Remove("X-Api-Key");
        host.Client.DefaultRequestHeaders.Add("X-Api-Key", ServiceHost.ApiKey);
        await Expect.JsonAsync(await host.Client.GetAsync("/api/orders"), 200);
    }

    [Fact]
    public async Task Malformed_incomplete_and_oversized_bodies_are_refused_and_create_nothing()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Limits:MaxBodyBytes"] = "4096" });
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/orders", "{\"client\": {\"name\": \"Ann\""), 400, "JSON");
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/orders", "{\"client\": {\"name\": \"Ann\"}, \"amount\": \"lots\"}"), 400, "The value at $.amount is not a number");
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/orders", "{\"client\": {\"name\": \"Ann\"}, \"items\": [{\"name\": \"Mug\", \"quantity\": 1, \"price\": true}]}"),
            400, "The value at $.items[0].price is not a number");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/orders", new { currency = "EUR" }), 400, "client");
        var huge = "{\"client\": {\"name\": \"" + new string('x', 10_000) + "\"}}";
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/orders", huge), 413, "4096");
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Expect.ProblemAsync(await host.Client.SendAsync(request), 413, "4096");
        Assert.Equal(0, (await host.GetAsync("/api/orders"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_chunked_body_of_several_reads_under_the_limit_arrives_whole()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Limits:MaxBodyBytes"] = "200000" });
        // Longer than the buffer the size check reads with, and different in every part, so that a part lost, repeated
        // or overwritten by the next read would show.
        var name = string.Concat(Enumerable.Range(0, 9_000).Select(i => $"{i:x4}-"));
        async Task<HttpResponseMessage> PostChunkedAsync()
        {
            var body = Encoding.UTF8.GetBytes("{\"client\": {\"name\": \"" + name + "\"}}");
            using var chunked = new StreamContent(new MemoryStream(body), bufferSize: 4096);
            chunked.Headers.ContentType = new("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            return await host.Client.SendAsync(request);
        }

        // Twice: the second request's reads reuse what the first one's gave back.
        foreach (var _ in new[] { 1, 2 })
        {
            var created = await Expect.JsonAsync(await PostChunkedAsync(), 201);
            var order = await host.GetAsync($"/api/orders/{created["id"]!.GetValue<long>()}");
            Assert.Equal(name, order["client"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Unknown_orders_statuses_and_events_are_named_in_the_problem()
    {
        await using var host = await ServiceHost.StartAsync();
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/orders/999"), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/orders/999/payments", new { amount = 1 }), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/orders/999/runs"), 404, "Order 999");
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/status", new { status = "teleported" }), 400, "'teleported'");
        await Expect.ProblemAsync(await host.Client.PatchAsJsonAsync($"/api/orders/{id}/shipments/77", new { shipped = true }), 404, "shipment 77");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "call.incoming", orderId = 999 }), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/events", new { orderId = id }), 400, "type");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/bookmarks/nothing-waits-here/resume", new { }), 404, "nothing-waits-here");
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_calls_with_a_wrong_secret_code_target_or_signature_are_refused_and_move_nothing()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks:SigningKey"] = "sign-me" });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await Expect.ProblemAsync(await host.Client.PostAsync($"/hooks/wrong?target=ORDER_{id}&code=shipped", null), 403, "secret");
        await Expect.ProblemAsync(await SignedAsync(host, $"target=ORDER_{id}&code=lost", "sign-me"), 404, "'lost'", "shipped");
        await Expect.ProblemAsync(await SignedAsync(host, "target=ORDER_x&code=shipped", "sign-me"), 400, "ORDER_<order id>");
        await Expect.ProblemAsync(await SignedAsync(host, "target=ORDER_999&code=shipped", "sign-me"), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.PostAsync($"/hooks/{ServiceHost.HookSecret}?target=ORDER_{id}&code=shipped", null), 401, "X-Webhook-Signature");
        await Expect.ProblemAsync(await SignedAsync(host, $"target=ORDER_{id}&code=shipped", "not-the-key"), 401, "does not match");
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());

        var good = await Expect.JsonAsync(await SignedAsync(host, $"target=ORDER_{id}&code=shipped", "sign-me"), 200);
        Assert.True(good["moved"]!.GetValue<bool>());
        Assert.Equal("shipped", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());

        // A signed JSON body: the signature covers the body, and the body reaches the event.
        var body = "{\"parcel\": \"P-17\"}";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{ServiceHost.HookSecret}?target=ORDER_{id}&code=shipped")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Webhook-Signature", Sign(body, "sign-me"));
        var again = await Expect.JsonAsync(await host.Client.SendAsync(request), 200);
        Assert.False(again["moved"]!.GetValue<bool>());
        var stored = await host.GetAsync($"/api/events/{again["eventId"]}");
        Assert.Equal("P-17", stored["data"]!["body"]!["parcel"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> SignedAsync(ServiceHost host, string query, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/hooks/{ServiceHost.HookSecret}?{query}");
        request.Headers.Add("X-Webhook-Signature", Sign(query, key));
        return host.Client.SendAsync(request);
    }

    private static string Sign(string content, string key) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(content)));

    private static Task<HttpResponseMessage> PostRawAsync(ServiceHost host, string path, string json) =>
        host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
