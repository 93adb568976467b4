using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Workflows.Persistence;
using Automation.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Tests.EndToEnd;

/// The built server as its own process, killed with SIGKILL while its outbox sender is inside an SMTP transaction,
/// then started again on the same database (docs/channels.md, "What a crash during a send leaves").
public sealed partial class OutboxCrashTests : IDisposable
{
    private const string ApiKey = "crash-key";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "automation-crash-" + Guid.NewGuid().ToString("N")[..12]);

    public OutboxCrashTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "workflows"));
        File.WriteAllText(Path.Combine(_folder, "workflows", "new.json"), new StatusFlow("new", 100)
            .Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }} confirmed", body = "<p>Thank you</p>", trackClicks = false, trackOpens = false })
            .Connect("start->mail"));
    }

    [Fact]
    public async Task Killed_before_the_message_was_transferred_the_restarted_sender_delivers_it_exactly_once()
    {
        await using var smtp = HoldingSmtpServer.Start(SmtpHold.AtDataCommand);
        var orderId = await SendAndKillAtHoldAsync(smtp);
        Assert.Empty(smtp.Received);

        await using (var restarted = await ServerProcess.StartAsync(Environment(smtp.Port)))
        {
            await Eventually.TrueAsync(async () => (await OutboxAsync()).Status == OutboxStatus.Sent, "the restarted sender did not deliver the email");
            await Eventually.TrueAsync(async () => (await TimelineAsync(restarted, orderId)).Contains("Email sent to ann@example.com: Order 1001 confirmed"),
                "the timeline never said the email was sent");
            await Task.Delay(1000);
            Assert.Single(await TimelineAsync(restarted, orderId), t => t.StartsWith("Email sent to", StringComparison.Ordinal));
        }
        var message = Assert.Single(smtp.Received);
        Assert.Equal(message, Assert.Single(smtp.Acknowledged));
        Assert.Contains("Subject: Order 1001 confirmed", message);
        Assert.Equal(2, (await OutboxAsync()).Attempts);
    }

    [Fact]
    public async Task Killed_after_the_final_dot_before_the_reply_the_message_arrives_twice_with_one_message_id_and_the_store_keeps_one()
    {
        await using var smtp = HoldingSmtpServer.Start(SmtpHold.AfterMessage);
        var orderId = await SendAndKillAtHoldAsync(smtp);
        var unacknowledged = Assert.Single(smtp.Received);
        Assert.Empty(smtp.Acknowledged);

        await using var restarted = await ServerProcess.StartAsync(Environment(smtp.Port));
        await Eventually.TrueAsync(async () => (await OutboxAsync()).Status == OutboxStatus.Sent, "the restarted sender did not deliver the email");
        await Eventually.TrueAsync(async () => (await TimelineAsync(restarted, orderId)).Contains("Email sent to ann@example.com: Order 1001 confirmed"),
            "the timeline never said the email was sent");

        // The outcome of the first transaction was unknown to the sender: it sent again, with the same Message-ID.
        Assert.Equal(2, smtp.Received.Count);
        var repeat = Assert.Single(smtp.Acknowledged);
        var messageId = MessageIdOf(unacknowledged);
        Assert.Matches("^<[a-z2-7]{26}@", messageId);
        Assert.Equal(messageId, MessageIdOf(repeat));
        Assert.Equal(2, (await OutboxAsync()).Attempts);
        Assert.Single(await TimelineAsync(restarted, orderId), t => t.StartsWith("Email sent to", StringComparison.Ordinal));

        // A receiver that deduplicates by Message-ID (our own inbound store here) keeps one message of the two.
        var first = await Expect.JsonAsync(await restarted.Client.PostAsync("/api/inbound-email", new StringContent(unacknowledged, Encoding.ASCII, "message/rfc822")), 202);
        var second = await Expect.JsonAsync(await restarted.Client.PostAsync("/api/inbound-email", new StringContent(repeat, Encoding.ASCII, "message/rfc822")), 202);
        Assert.Equal(first["id"]!.GetValue<long>(), second["id"]!.GetValue<long>());
    }

    /// Starts the server, creates an order whose status sends an email, waits until the sender is held inside the SMTP
    /// transaction and kills the process there.
    private async Task<long> SendAndKillAtHoldAsync(HoldingSmtpServer smtp)
    {
        await using var first = await ServerProcess.StartAsync(Environment(smtp.Port));
        var created = await Expect.JsonAsync(await first.Client.PostAsJsonAsync("/api/orders", new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
        }), 201);
        var finished = await Task.WhenAny(smtp.Held, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == smtp.Held, $"the sender never reached the SMTP server: {first.Errors}");
        first.Kill();
        var stalled = await OutboxAsync();
        Assert.Equal((OutboxStatus.Pending, 1), (stalled.Status, stalled.Attempts));
        Assert.NotNull(stalled.LockedUntil);
        return created["id"]!.GetValue<long>();
    }

    private Dictionary<string, string> Environment(int smtpPort) => new()
    {
        ["ConnectionStrings__Automation"] = $"Data Source={Path.Combine(_folder, "automation.db")}",
        ["Workflows__Directory"] = Path.Combine(_folder, "workflows"),
        ["Security__ApiKey"] = ApiKey,
        ["Webhooks__Secret"] = "crash-hook-secret",
        ["Mail__Listener__Port"] = "0",
        ["Mail__Mailboxes__0__Name"] = "shop",
        ["Mail__Mailboxes__0__Host"] = "127.0.0.1",
        ["Mail__Mailboxes__0__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        ["Mail__Mailboxes__0__Tls"] = "None",
        ["Mail__Mailboxes__0__FromAddress"] = "orders@shop.test",
        ["Mail__Mailboxes__0__Timeout"] = "00:00:30",
        ["Mail__TrackingBaseUrl"] = "http://localhost",
        ["Outbox__PollInterval"] = "00:00:00.200",
        // Longer than the mailbox timeout would be the rule in production; short here so the restart retries soon.
        ["Outbox__Lease"] = "00:00:03",
    };

    private async Task<OutboxMessage> OutboxAsync()
    {
        await using var db = ChannelsDb.Create($"Data Source={Path.Combine(_folder, "automation.db")}", DatabaseProvider.Sqlite);
        return await db.OutboxMessages.AsNoTracking().SingleAsync();
    }

    private static async Task<List<string>> TimelineAsync(ServerProcess server, long orderId) =>
        (await Expect.JsonAsync(await server.Client.GetAsync($"/api/orders/{orderId}/timeline"), 200))["items"]!.AsArray()
            .Select(e => e!["text"]!.GetValue<string>()).ToList();

    private static string MessageIdOf(string message) => MessageIdHeader().Match(message) is { Success: true } m ? m.Groups[1].Value.Trim() : "(none)";

    [GeneratedRegex(@"^Message-ID:\s*(.+)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdHeader();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is cleaned by the OS later.
        }
    }

    /// The built server (src/Automation.Server) started as a user would, on 127.0.0.1, with the given environment.
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _errors = new();

        private ServerProcess(Process process, string address)
        {
            _process = process;
            Client = new HttpClient { BaseAddress = new Uri(address) };
            Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        }

        public HttpClient Client { get; }
        public string Errors { get { lock (_errors) return _errors.ToString(); } }

        public static async Task<ServerProcess> StartAsync(Dictionary<string, string> environment)
        {
            var server = Path.Combine(ServiceHost.RepositoryRoot(), "src", "Automation.Server", "bin",
                new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Automation.Server.dll");
            var address = $"http://127.0.0.1:{MailSink.FreePort()}";
            var start = new ProcessStartInfo("dotnet", [server]) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var (key, value) in environment) start.Environment[key] = value;
            start.Environment["Urls"] = address;
            var running = new ServerProcess(Process.Start(start)!, address);
            running._process.ErrorDataReceived += (_, e) => { lock (running._errors) running._errors.AppendLine(e.Data); };
            running._process.OutputDataReceived += (_, _) => { };
            running._process.BeginErrorReadLine();
            running._process.BeginOutputReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && !running._process.HasExited)
            {
                try
                {
                    if ((await running.Client.GetAsync("/health")).IsSuccessStatusCode) return running;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(200);
            }
            await running.DisposeAsync();
            throw new TimeoutException($"the server did not come up at {address}: {running.Errors}");
        }

        /// SIGKILL: no shutdown, no flush, as a power cut or an OOM kill.
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
