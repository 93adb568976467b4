using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Automation.Reliability.Tests.Support;

/// One order taken through the whole pipeline by the shop's systems and its client, as they would do it against a
/// cluster whose nodes come and go: each call goes to any live node and is retried on another when the connection
/// breaks, without doing twice what may already have been done (a payment is re-sent only if the order has none, a
/// webhook carries an idempotency key, a reply keeps its Message-ID).
public sealed class OrderJourney(Cluster cluster, int index)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);

    public long? OrderId { get; private set; }
    public string? Number { get; private set; }
    /// How far the journey got ("created", "paid", "shipped", "answered"), or why it stopped.
    public string Reached { get; private set; } = "not created";
    public string? Failure { get; private set; }
    public int Retries { get; private set; }
    /// Creations whose node died with the request in flight (the order then looked up, or created again).
    public int InterruptedCreations { get; private set; }

    public string ClientEmail => $"client{index}@load.test";

    public async Task RunAsync()
    {
        try
        {
            if (!await CreateAsync()) return;
            Reached = "created";
            var received = await cluster.Sink.WaitForAsync(m => m.Subject == $"Order {Number} received", Patience)
                ?? throw new TimeoutException($"order {Number}: the 'received' email never arrived");
            await PayAsync();
            await WaitForStatusAsync("paid");
            Reached = "paid";
            // The timer (1 s after payment) sends the 'packed' email; shipping before it fires would cancel it.
            _ = await cluster.Sink.WaitForAsync(m => m.Subject == $"Order {Number} packed", Patience)
                ?? throw new TimeoutException($"order {Number}: the 'packed' email (timer) never arrived");
            await CallAsync(node => node.Client.SendAsync(Hook(node)));
            await WaitForStatusAsync("shipped");
            Reached = "shipped";
            await ReplyAsync(received.ReplyTo.Single().Address);
            await WaitForStatusAsync("answered");
            Reached = "answered";
            _ = await cluster.Sink.WaitForAsync(m => m.Subject == $"Order {Number}: thanks for your reply", Patience)
                ?? throw new TimeoutException($"order {Number}: the 'thanks' email never arrived");
        }
        catch (Exception error)
        {
            Failure = $"order {OrderId} ({Reached}): {error.Message}";
        }
    }

    /// Creates the order. When the node died with the request in flight, the shop looks the order up by its client's
    /// email (as its own records would tell it) and goes on with it, or creates it again if it is not there.
    private async Task<bool> CreateAsync()
    {
        while (true)
        {
            try
            {
                if (await TryCreateAsync(await LiveNodeAsync())) return true;
                Retries++;
                await using var db = cluster.Store();
                var clients = db.ClientEmails.Where(e => e.Value == ClientEmail).Select(e => e.ClientId);
                var found = await db.Orders.AsNoTracking().Where(o => clients.Contains(o.ClientId)).Select(o => new { o.Id, o.Number }).FirstOrDefaultAsync();
                if (found is null) continue;
                (OrderId, Number) = (found.Id, found.Number);
                return true;
            }
            catch (HttpRequestException refused) when (refused.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                // Nothing was sent (the node is down or not listening yet): safe to send again.
                Retries++;
                await Task.Delay(200);
            }
        }
    }

    private async Task<bool> TryCreateAsync(NodeProcess node)
    {
        try
        {
            var response = await node.Client.PostAsJsonAsync("/api/orders", new
            {
                client = new { name = $"Client {index}", email = ClientEmail, phone = $"+1555{index:D7}" },
                items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
                currency = "EUR",
            });
            if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var order = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            OrderId = order["id"]!.GetValue<long>();
            Number = order["number"]!.ToString();
            return true;
        }
        catch (Exception e) when (e is HttpRequestException { InnerException: not System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } }
                                   or TaskCanceledException)
        {
            InterruptedCreations++;
            return false;
        }
    }

    private async Task PayAsync()
    {
        while (true)
        {
            var node = await LiveNodeAsync();
            try
            {
                var response = await node.Client.PostAsJsonAsync($"/api/orders/{OrderId}/payments", new { amount = 40 });
                if (response.StatusCode == HttpStatusCode.Created) return;
                if ((int)response.StatusCode < 500) throw new InvalidOperationException($"payment answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Did the payment commit before the node died? Then it is not sent again.
            }
            Retries++;
            await Task.Delay(200);
            if (await OrderAsync() is { } order && order["payments"]!.AsArray().Count > 0) return;
        }
    }

    private HttpRequestMessage Hook(NodeProcess node)
    {
        var query = $"target=ORDER_{OrderId}&code=shipped";
        var request = new HttpRequestMessage(HttpMethod.Get, $"/hooks/{NodeProcess.HookSecret}?{query}");
        request.Headers.Add("Idempotency-Key", $"ship-{OrderId}");
        var signature = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Cluster.SigningKey), System.Text.Encoding.UTF8.GetBytes(query));
        request.Headers.Add("X-Webhook-Signature", "sha256=" + Convert.ToHexStringLower(signature));
        return request;
    }

    /// The client answers the 'received' email: to its Reply-To, into any node's mail listener, same Message-ID on retry.
    private async Task ReplyAsync(string replyTo)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var node = await LiveNodeAsync();
            try
            {
                using var smtp = new SmtpClient("127.0.0.1", node.SmtpPort) { Timeout = 10_000 };
                using var message = new MailMessage(ClientEmail, replyTo, $"Re: Order {Number} received", "Please ship it soon.");
                message.Headers.Add("Message-ID", $"<reply-{OrderId}@load.test>");
                await smtp.SendMailAsync(message);
                return;
            }
            catch (Exception e) when (e is SmtpException or IOException or System.Net.Sockets.SocketException or InvalidOperationException && DateTime.UtcNow < deadline)
            {
                Retries++;
                await Task.Delay(200);
            }
        }
    }

    private async Task WaitForStatusAsync(string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if ((await OrderAsync())?["status"]?.GetValue<string>() == status) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"order {Number} did not reach '{status}' (now '{(await OrderAsync())?["status"]}')");
    }

    private async Task<JsonObject?> OrderAsync()
    {
        try
        {
            var response = await (await LiveNodeAsync()).Client.GetAsync($"/api/orders/{OrderId}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// Sends until a node answers below 500 (a retry goes to whichever node is up); 4xx is a failure of the journey.
    private async Task CallAsync(Func<NodeProcess, Task<HttpResponseMessage>> call)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var response = await call(await LiveNodeAsync());
                if (response.IsSuccessStatusCode) return;
                if ((int)response.StatusCode < 500) throw new InvalidOperationException($"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                // The node went away; try another.
            }
            Retries++;
            await Task.Delay(200);
        }
    }

    private async Task<NodeProcess> LiveNodeAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (cluster.AnyLiveNode() is { } node) return node;
            if (cluster.UnexpectedExits.FirstOrDefault() is { } crashed) throw new InvalidOperationException(crashed);
            await Task.Delay(100);
        }
        throw new TimeoutException($"no node was running for {Patience.TotalSeconds:F0} s");
    }
}
