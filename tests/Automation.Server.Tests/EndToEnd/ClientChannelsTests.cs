using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.EndToEnd;

/// The client rules and the channels behind them, through the running service: mail to a real SMTP server on
/// 127.0.0.1, tracked links clicked over HTTP, replies into the mail listener, SMS to a gateway on 127.0.0.1.
public sealed partial class ClientChannelsTests
{
    private const string Body =
        """<p>Hello {{ Order.Client.Name }}, your order {{ Order.Number }} is in.</p><p><a href="https://blog.shop.test/teapots">Our blog</a> <a href="https://shop.test/track/{{ Order.Number }}">Track it</a></p>""";

    [Fact]
    public async Task Email_to_client_arrives_with_the_order_fields_and_a_click_on_its_tracked_link_moves_the_order()
    {
        await using var sink = await MailSink.StartAsync();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }} received", body = Body }).Connect("start->mail"),
            ["tracking"] = new StatusFlow("tracking", 200).Add("clicked", "Automation.EmailLinkClickedTrigger", new { url = "https://shop.test/track" }),
        };
        await using var host = await ServiceHost.StartAsync(workflows, Mailbox(sink.Port));
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var mail = await sink.FirstAsync();
        Assert.Equal("Order 1001 received", mail.Subject);
        Assert.Equal("orders@shop.test", Assert.Single(mail.From).Address);
        Assert.Equal("ann@example.com", Assert.Single(mail.To).Address);
        Assert.Contains("Hello Ann Buyer, your order 1001 is in.", mail.HtmlBody);
        Assert.Contains("your order 1001 is in", mail.TextBody);
        Assert.DoesNotContain("https://shop.test/track", mail.HtmlBody);
        await Eventually.TrueAsync(async () => (await host.TimelineTextsAsync(id)).Contains("Email sent to ann@example.com: Order 1001 received"),
            "the timeline never said the email was sent");

        var links = TrackedLink().Matches(mail.HtmlBody!).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, links.Count);
        using var browser = host.CreatePublicClient();
        var blog = await browser.GetAsync($"/t/c/{links[0]}");
        Assert.Equal(HttpStatusCode.Redirect, blog.StatusCode);
        Assert.Equal("https://blog.shop.test/teapots", blog.Headers.Location!.OriginalString);
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());

        var track = await browser.GetAsync($"/t/c/{links[1]}");
        Assert.Equal(HttpStatusCode.Redirect, track.StatusCode);
        Assert.Equal("https://shop.test/track/1001", track.Headers.Location!.OriginalString);
        Assert.Equal("tracking", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        Assert.Contains("Link in an email clicked: https://shop.test/track/1001", await host.TimelineTextsAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/t/c/0123456789abcdef0123456789abcdef")).StatusCode);

        // Studio offers the configured mailboxes for the rule's Mailbox input.
        var sendEmail = (await host.GetAsync("/elsa/api/descriptors/activities"))["items"]!.AsArray()
            .Single(d => d!["typeName"]!.GetValue<string>() == "Automation.SendEmail")!;
        var mailboxes = sendEmail["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Mailbox")!["uiSpecifications"]!["selectList"]!["items"]!;
        Assert.Equal(["auto", "shop"], mailboxes.AsArray().Select(i => i!["value"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task Email_attaches_the_document_of_the_rule_before_it_escapes_client_fields_and_opening_it_moves_the_order()
    {
        await using var sink = await MailSink.StartAsync();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("doc", "Automation.CreateDocument", new { template = 1L })
                .Add("mail", "Automation.SendEmail", new
                {
                    subject = "Invoice for order {{ Order.Number }}",
                    body = "<html><body><p>Hi {{ Order.Client.Name }}</p></body></html>",
                    documents = "{{ Activities.doc.DocumentId }}",
                })
                .Connect("start->doc", "doc->mail"),
            ["read"] = new StatusFlow("read", 200).Add("viewed", "Automation.EmailViewedTrigger"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, Mailbox(sink.Port));
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/document-templates",
            new { name = "Invoice", body = "<h1>Invoice {{ Document.Number }}</h1>", numberFormat = "INV-{n:000}" }), 201);
        var id = (await host.CreateOrderAsync(new { client = new { name = "Tom & <Jerry>", email = "tom@example.com" }, currency = "EUR" }))["id"]!
            .GetValue<long>();

        var mail = await sink.FirstAsync();
        Assert.Equal("Invoice for order 1001", mail.Subject);
        Assert.Contains("Hi Tom &amp; &lt;Jerry&gt;", mail.HtmlBody);
        var invoice = Assert.Single(mail.Attachments);
        Assert.Equal(("Invoice INV-001.html", "text/html"), (invoice.FileName, invoice.ContentType));
        Assert.Contains("<h1>Invoice INV-001</h1>", Encoding.UTF8.GetString(invoice.Content));

        var pixel = PixelLink().Match(mail.HtmlBody!).Groups[1].Value;
        using var browser = host.CreatePublicClient();
        var image = await browser.GetAsync($"/t/o/{pixel}.gif");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/gif", image.Content.Headers.ContentType!.MediaType);
        Assert.Equal("read", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        await browser.GetAsync($"/t/o/{pixel}.gif");
        Assert.Single(await host.TimelineTextsAsync(id), t => t == "Email opened by the client");
    }

    [Fact]
    public async Task A_reply_mailed_to_the_listener_at_the_orders_reply_address_moves_the_order_by_incoming_email()
    {
        await using var sink = await MailSink.StartAsync();
        var listenerPort = MailSink.FreePort();
        var settings = Mailbox(sink.Port);
        settings["Mail:ReplyTo:Domain"] = "replies.shop.test";
        settings["Mail:ReplyTo:Secret"] = "a-test-secret-of-some-length";
        settings["Mail:Listener:Port"] = listenerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }} received", body = Body }).Connect("start->mail"),
            ["answered"] = new StatusFlow("answered", 200).Add("incoming", "Automation.IncomingEmailTrigger"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, settings);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var sent = await sink.FirstAsync();
        var replyTo = Assert.Single(sent.ReplyTo).Address;
        Assert.StartsWith($"reply+o{id}-", replyTo);

        // A mail program answers to Reply-To; the message carries no other hint of the order.
        using (var smtp = new SmtpClient("127.0.0.1", listenerPort))
            await smtp.SendMailAsync(new MailMessage("someone.else@example.org", replyTo, "Re: your order", "Yes, please ship it."));

        await Eventually.TrueAsync(async () => (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>() == "answered",
            "the reply did not move the order");
        Assert.Contains("Email from someone.else@example.org received: Re: your order", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Mail_from_the_clients_address_sent_into_the_listener_by_swaks_moves_the_clients_order()
    {
        Assert.True(File.Exists("/usr/bin/swaks"), "/usr/bin/swaks is missing: apt-get install -y swaks (.ci/run does)");
        var listenerPort = MailSink.FreePort();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["answered"] = new StatusFlow("answered", 200).Add("incoming", "Automation.IncomingEmailTrigger"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, new Dictionary<string, string?>
        {
            ["Mail:Listener:Port"] = listenerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var swaks = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/swaks")
        {
            ArgumentList =
            {
                "--server", "127.0.0.1", "--port", listenerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--from", "ann@example.com", "--to", "orders@shop.test", "--header", "Subject: Where is my teapot?",
                "--body", "It has been a week.",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var transcript = await swaks.StandardOutput.ReadToEndAsync() + await swaks.StandardError.ReadToEndAsync();
        await swaks.WaitForExitAsync();
        Assert.True(swaks.ExitCode == 0, transcript);
        Assert.Contains("250 ", transcript);

        Assert.Equal("answered", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        Assert.Contains("Email from ann@example.com received: Where is my teapot?", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Mail_from_a_clients_address_posted_to_the_inbound_endpoint_moves_that_clients_open_order()
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["answered"] = new StatusFlow("answered", 200).Add("incoming", "Automation.IncomingEmailTrigger"),
        };
        await using var host = await ServiceHost.StartAsync(workflows);
        var ann = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var bob = (await host.CreateOrderAsync(new { client = new { name = "Bob", email = "bob@example.com" }, currency = "EUR" }))["id"]!.GetValue<long>();
        var raw = "From: Ann Buyer <ANN@example.com>\r\nTo: orders@shop.test\r\nSubject: Question\r\nMessage-ID: <q1@example.com>\r\n\r\nWhen does it ship?\r\n";

        var accepted = await host.Client.PostAsync("/api/inbound-email", new StringContent(raw, Encoding.UTF8, "message/rfc822"));
        await Expect.JsonAsync(accepted, 202);
        Assert.Equal("answered", (await host.GetAsync($"/api/orders/{ann}"))["status"]!.GetValue<string>());
        Assert.Equal("new", (await host.GetAsync($"/api/orders/{bob}"))["status"]!.GetValue<string>());
        // The same message delivered again is the same message.
        await Expect.JsonAsync(await host.Client.PostAsync("/api/inbound-email", new StringContent(raw, Encoding.UTF8, "message/rfc822")), 202);
        Assert.Single(await host.TimelineTextsAsync(ann), t => t == "Email from ANN@example.com received: Question");
    }

    [Fact]
    public async Task Sms_to_client_goes_to_the_http_gateway_and_message_sent_moves_the_order()
    {
        await using var gateway = await FakeGateway.StartAsync();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100).Add("sms", "Automation.SendSms", new { text = "Order {{ Order.Number }} is confirmed" })
                .Add("long", "Automation.SendSms", new { text = new string('x', 201) }).Connect("start->sms", "start->long"),
            ["texted"] = new StatusFlow("texted", 200).Add("sent", "Automation.MessageSentTrigger", new { channel = "sms" }),
        };
        await using var host = await ServiceHost.StartAsync(workflows, new Dictionary<string, string?>
        {
            ["Sms:Provider"] = "Http",
            ["Sms:Http:Url"] = gateway.BaseUrl + "/send",
            ["Sms:Http:Headers:X-Api-Key"] = "gw-key",
            ["Sms:Http:From"] = "TeapotShop",
            ["Outbox:PollInterval"] = "00:00:00.200",
        });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        await Eventually.TrueAsync(async () => (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>() == "texted",
            "the sent SMS did not move the order");
        var request = Assert.Single(gateway.Requests);
        Assert.Equal("/send", request.Path);
        Assert.Equal("gw-key", request.Headers["X-Api-Key"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("+15550100", body["to"]!.GetValue<string>());
        Assert.Equal("TeapotShop", body["from"]!.GetValue<string>());
        Assert.Equal("Order 1001 is confirmed", body["text"]!.GetValue<string>());
        Assert.Equal(request.Headers["Idempotency-Key"], body["idempotencyKey"]!.GetValue<string>());
        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("SMS sent to +15550100", timeline);
        Assert.Contains("Rule 'long' did nothing: the SMS was not sent: text is 201 characters long; an SMS may have at most 200", timeline);
    }

    [Fact]
    public async Task An_automated_call_through_twilio_waits_for_the_signed_status_callback_and_the_next_rule_reads_its_result()
    {
        await using var twilio = await FakeGateway.StartAsync();
        const string callback = "http://localhost/hooks/twilio/calls";
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("call", "Automation.AutomatedCall", new
                {
                    text = "Hello {{ Order.Client.Name }}, order {{ Order.Number }} ships today",
                    voice = "Polly.Joanna",
                    speed = 90,
                    waitForResult = true,
                })
                .Add("log", "Automation.WriteToLog", new { text = "call result: {{ Activities.call.ResultText }}" })
                .Connect("start->call", "call->log"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, new Dictionary<string, string?>
        {
            ["Calls:Provider"] = "Twilio",
            ["Calls:Twilio:BaseUrl"] = twilio.BaseUrl,
            ["Calls:Twilio:AccountSid"] = "AC123",
            ["Calls:Twilio:AuthToken"] = "twilio-token",
            ["Calls:Twilio:From"] = "+15550199",
            ["Calls:Twilio:StatusCallbackUrl"] = callback,
            ["Outbox:PollInterval"] = "00:00:00.200",
        });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        await Eventually.TrueAsync(async () => (await host.TimelineTextsAsync(id)).Contains("Automated call placed to +15550100"), "the call was not placed");
        var request = Assert.Single(twilio.Requests);
        Assert.Equal("/2010-04-01/Accounts/AC123/Calls.json", request.Path);
        Assert.Equal(("+15550100", "+15550199", callback), (request.Form["To"], request.Form["From"], request.Form["StatusCallback"]));
        Assert.Contains("Hello Ann Buyer, order 1001 ships today", request.Form["Twiml"]);
        Assert.Contains("voice=\"Polly.Joanna\"", request.Form["Twiml"]);
        Assert.DoesNotContain(await host.TimelineTextsAsync(id), t => t.StartsWith("call result", StringComparison.Ordinal));

        var status = new Dictionary<string, string> { ["CallSid"] = "CA1", ["CallStatus"] = "busy", ["AccountSid"] = "AC123" };
        using var twilioClient = host.CreatePublicClient();
        var forged = new HttpRequestMessage(HttpMethod.Post, "/hooks/twilio/calls") { Content = new FormUrlEncodedContent(status) };
        forged.Headers.Add("X-Twilio-Signature", TwilioSignature(callback, status, "another-token"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await twilioClient.SendAsync(forged)).StatusCode);
        var signed = new HttpRequestMessage(HttpMethod.Post, "/hooks/twilio/calls") { Content = new FormUrlEncodedContent(status) };
        signed.Headers.Add("X-Twilio-Signature", TwilioSignature(callback, status, "twilio-token"));
        Assert.Equal(HttpStatusCode.NoContent, (await twilioClient.SendAsync(signed)).StatusCode);

        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("Automated call to +15550100: busy", timeline);
        Assert.Contains("call result: busy", timeline);
    }

    [Fact]
    public async Task With_the_default_settings_client_rules_say_why_they_cannot_send_and_calls_are_only_logged()
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("mail", "Automation.SendEmail", new { subject = "Hi", body = "<p>Hi</p>" })
                .Add("sms", "Automation.SendSms", new { text = "Hi" })
                .Add("call", "Automation.AutomatedCall", new { text = "Hello", phoneType = "work" })
                .Add("anyPhone", "Automation.AutomatedCall", new { text = "Hello", waitForResult = true })
                .Add("after", "Automation.WriteToLog", new { text = "call result: {{ Activities.anyPhone.ResultText }}" })
                .Connect("start->mail", "start->sms", "start->call", "start->anyPhone", "anyPhone->after"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, new Dictionary<string, string?> { ["Outbox:PollInterval"] = "00:00:00.200" });
        var cleo = (await host.CreateOrderAsync(new { client = new { name = "Cleo", email = "cleo@example.com" }, currency = "EUR" }))["id"]!.GetValue<long>();

        var timeline = await host.TimelineTextsAsync(cleo);
        Assert.Contains(timeline, t => t.StartsWith("Rule 'mail' did nothing: the email was not sent: mailbox cannot be chosen: no mailbox is configured", StringComparison.Ordinal));
        Assert.Contains("Rule 'sms' did nothing: the client Cleo has no phone number", timeline);
        Assert.Contains("Rule 'call' did nothing: the client Cleo has no work phone number", timeline);

        // A client with a (mobile) phone: the log-only provider places no call and says so, and the waiting rule goes on.
        var ann = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await Eventually.TrueAsync(async () => (await host.TimelineTextsAsync(ann)).Contains("call result: not placed (log-only provider)"),
            "the rule waiting for the call's result did not go on");
        Assert.Contains("SMS sent to +15550100", await host.TimelineTextsAsync(ann));
    }

    [Fact]
    public async Task Email_to_employee_from_the_employee_rule_is_delivered_through_the_mailbox_and_recorded_as_sent()
    {
        await using var sink = await MailSink.StartAsync();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("mail", "Automation.SendEmailToEmployee", new { subject = "Order {{ Order.Number }}", text = "Please call the buyer.", employee = 2L })
                .Connect("start->mail"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, Mailbox(sink.Port));
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var mail = await sink.FirstAsync();
        Assert.Equal("sam@shop.test", Assert.Single(mail.To).Address);
        Assert.Equal("Order 1001", mail.Subject);
        Assert.Contains("Please call the buyer.", mail.TextBody);
        Assert.Empty(mail.ReplyTo);
        await Eventually.TrueAsync(async () => (await host.GetAsync("/api/employee-messages?employeeId=2&status=Sent"))["total"]!.GetValue<int>() == 1,
            "the employee message was not recorded as sent");
        Assert.Contains("Email to sam@shop.test sent", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task An_email_committed_before_a_restart_is_delivered_once_after_it()
    {
        var sinkPort = MailSink.FreePort();
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100).Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }}", body = "<p>Thanks</p>" })
                .Connect("start->mail"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, Mailbox(sinkPort));
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        // The mail server is down: the committed email waits for its next attempt.
        await Eventually.TrueAsync(async () => (await OutboxOfAsync(host, id)) is { Attempts: 1, Status: OutboxStatus.Pending, LastError: not null },
            "the first attempt was not made");
        await host.StopAsync();

        await using var sink = await MailSink.StartAsync(sinkPort);
        await host.StartAgainAsync();
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await sink.FirstAsync();
        await Eventually.TrueAsync(async () => (await host.TimelineTextsAsync(id)).Contains("Email sent to ann@example.com: Order 1001"),
            "the timeline never said the email was sent");
        // Later passes, later restarts: nothing more goes out.
        host.Clock.Advance(TimeSpan.FromHours(2));
        await host.StopAsync();
        await host.StartAgainAsync();
        await Task.Delay(1000);
        Assert.Single(sink.Received);
        Assert.Equal(OutboxStatus.Sent, (await OutboxOfAsync(host, id))!.Status);
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("Email sent to", StringComparison.Ordinal));
    }

    /// Twilio's signature as its documentation describes it: HMAC-SHA1 of the URL and the sorted fields, base64.
    private static string TwilioSignature(string url, Dictionary<string, string> form, string token)
    {
        var data = url + string.Concat(form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        return Convert.ToBase64String(System.Security.Cryptography.HMACSHA1.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(data)));
    }

    private static Dictionary<string, string?> Mailbox(int port) => new()
    {
        ["Mail:Mailboxes:0:Name"] = "shop",
        ["Mail:Mailboxes:0:Host"] = "127.0.0.1",
        ["Mail:Mailboxes:0:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:Mailboxes:0:Tls"] = "None",
        ["Mail:Mailboxes:0:FromAddress"] = "orders@shop.test",
        ["Mail:Mailboxes:0:FromName"] = "Teapot Shop",
        ["Mail:TrackingBaseUrl"] = "http://localhost",
        ["Outbox:PollInterval"] = "00:00:00.200",
    };

    private static async Task<OutboxMessage?> OutboxOfAsync(ServiceHost host, long orderId)
    {
        await using var db = host.Services.GetRequiredService<Func<ChannelsDb>>()();
        return (await MessageOutbox.ListForOrderAsync(db, orderId)).SingleOrDefault();
    }

    [GeneratedRegex(@"http://localhost/t/c/([0-9a-f]+)")]
    private static partial Regex TrackedLink();

    [GeneratedRegex(@"http://localhost/t/o/([0-9a-f]+)\.gif")]
    private static partial Regex PixelLink();
}
