using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Automation.Reliability.Tests.Support;

/// Bad input mixed into the load at a fixed rate: malformed and oversized requests, a wrong API key, a wrong webhook
/// secret and signature, an unknown event type, and garbage on the SMTP port. Each must be answered with its 4xx (or,
/// on SMTP, an error reply or a closed connection) — never a 5xx, never accepted — while the good traffic goes on.
public sealed class BadTraffic(Cluster cluster)
{
    private long _tried;
    private long _refused;
    private long _unreachable;
    private readonly List<string> _wrong = [];

    public long Tried => Interlocked.Read(ref _tried);
    public long Refused => Interlocked.Read(ref _refused);
    /// Attempts that met a node being killed or restarted (connection refused): not an answer either way.
    public long Unreachable => Interlocked.Read(ref _unreachable);
    public IReadOnlyList<string> Wrong { get { lock (_wrong) return [.. _wrong]; } }

    public async Task RunAsync(double perSecond, CancellationToken stop)
    {
        var kinds = new Func<NodeProcess, Task<string?>>[] { MalformedJson, Oversized, WrongApiKey, WrongHookSecret, WrongSignature, UnknownEventType, SmtpGarbage };
        var period = TimeSpan.FromSeconds(1 / perSecond);
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            if (cluster.AnyLiveNode() is { } node)
            {
                var kind = kinds[round++ % kinds.Length];
                Interlocked.Increment(ref _tried);
                var starts = node.Starts;
                try
                {
                    var wrong = await kind(node);
                    // A node killed or restarted during the attempt answers nothing, or hangs up: that is a dead node, not a wrong answer.
                    // The kernel closes a killed process's sockets before the process is seen to have exited, so look again a moment later.
                    if (wrong is not null && node.IsRunning && node.Starts == starts) await Task.Delay(500, CancellationToken.None);
                    if (wrong is not null && (!node.IsRunning || node.Starts != starts)) Interlocked.Increment(ref _unreachable);
                    else if (wrong is not null) lock (_wrong) _wrong.Add($"{kind.Method.Name} on {node.Name}: {wrong}");
                    else Interlocked.Increment(ref _refused);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException)
                {
                    Interlocked.Increment(ref _unreachable);
                }
            }
            try
            {
                await Task.Delay(period, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static Task<string?> MalformedJson(NodeProcess node) =>
        Expect(node.Client.PostAsync("/api/orders", new StringContent("{\"client\": {\"name\": \"Ann\", ", Encoding.UTF8, "application/json")), 400);

    private static Task<string?> Oversized(NodeProcess node) =>
        Expect(node.Client.PostAsync("/api/orders", new StringContent("{\"note\":\"" + new string('x', 200_000) + "\"}", Encoding.UTF8, "application/json")), 413);

    private static async Task<string?> WrongApiKey(NodeProcess node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders/1");
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", "not-the-key");
        return await Expect(node.Client.SendAsync(request), 401);
    }

    private static Task<string?> WrongHookSecret(NodeProcess node) =>
        Expect(node.Client.GetAsync("/hooks/not-the-secret?target=ORDER_1&code=shipped"), 403);

    private static async Task<string?> WrongSignature(NodeProcess node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/hooks/{NodeProcess.HookSecret}?target=ORDER_1&code=shipped");
        request.Headers.Add("X-Webhook-Signature", "sha256=" + new string('0', 64));
        return await Expect(node.Client.SendAsync(request), 401);
    }

    private static Task<string?> UnknownEventType(NodeProcess node) =>
        Expect(node.Client.PostAsync("/api/events", new StringContent("{\"type\":\"NOT AN EVENT\",\"orderId\":1}", Encoding.UTF8, "application/json")), 400);

    /// Binary noise and an overlong line instead of SMTP commands: the listener must answer with errors or hang up,
    /// and go on serving the next client.
    private static async Task<string?> SmtpGarbage(NodeProcess node)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, node.SmtpPort);
        await using var stream = client.GetStream();
        stream.ReadTimeout = 5000;
        var greeting = await ReadLineAsync(stream);
        if (!greeting.StartsWith("220", StringComparison.Ordinal)) return $"greeting was '{greeting}'";
        var noise = new byte[512];
        Random.Shared.NextBytes(noise);
        for (var i = 0; i < noise.Length; i++) if (noise[i] is (byte)'\r' or (byte)'\n') noise[i] = (byte)'x';
        await stream.WriteAsync(noise);
        await stream.WriteAsync("\r\n"u8.ToArray());
        var reply = await ReadLineAsync(stream);
        return reply.Length == 0 || reply[0] is '5' or '4' ? null : $"garbage was answered '{reply}'";
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (await stream.ReadAsync(one, limit.Token) == 1 && one[0] != '\n') line.Append((char)one[0]);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // A closed or silent connection reads as an empty line.
        }
        return line.ToString().TrimEnd('\r');
    }

    private static async Task<string?> Expect(Task<HttpResponseMessage> call, int status)
    {
        using var response = await call;
        if ((int)response.StatusCode == status) return null;
        return $"expected {status}, got {(int)response.StatusCode}: {Excerpt(await response.Content.ReadAsStringAsync())}";
    }

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
