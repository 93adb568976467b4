using System.Text;
using Automation.Channels.Mail;
using Automation.Channels.Mime;
using Automation.Channels.Outbox;
using Automation.Channels.Tests.Support;
using Automation.Workflows.Persistence;

namespace Automation.Channels.Tests.Mail;

public sealed class EmailDeliveryTests
{
    [Fact]
    public async Task Email_from_the_outbox_arrives_over_smtp_with_html_text_attachment_reply_to_tracking_and_the_key_derived_message_id()
    {
        await using var listener = await ListenerHarness.StartAsync();
        await using var channels = await TestChannelsDb.CreateAsync();
        var options = MailSetup.Options(listener.Port);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4 invoice 42\n%%EOF");
        var email = MailSetup.Email() with { Attachments = [new EmailAttachment("Rechnung 42.pdf", "application/pdf", pdf)] };
        await using (var db = channels.Db()) await new EmailOutbox(channels.Outbox, options, channels.Clock).EnqueueAsync(db, email);

        Assert.Equal(1, await MailSetup.EmailSender(channels, options).DeliverDueAsync());

        var received = Assert.Single(listener.Received);
        Assert.Equal(("shop@shop.test", "ann@example.com"), (received.MailFrom, Assert.Single(received.Recipients)));
        var mime = MimeMessageReader.Read(received.Raw);
        Assert.Equal("Ihre Bestellung №42 ist unterwegs", mime.Subject);
        Assert.Equal(new MailboxAddress("shop team", "shop@shop.test"), Assert.Single(mime.From));
        Assert.Equal(new MailboxAddress("Ann Buyer", "ann@example.com"), Assert.Single(mime.To));
        Assert.Equal(new ReplyAddresses(options.ReplyTo!).For(42), Assert.Single(mime.ReplyTo).Address);
        Assert.Equal(MessageIds.Bare(MessageIds.ForKey("order-42-email-a1", "replies.shop.test")), mime.MessageId);
        Assert.Contains("Order 42 shipped.", mime.TextBody);
        Assert.Contains("Track it (https://carrier.test/track?id=42&lang=de)", mime.TextBody);
        Assert.Contains("href=\"https://shop.test/t/c/", mime.HtmlBody);
        Assert.DoesNotContain("carrier.test", mime.HtmlBody);
        Assert.Contains("href=\"mailto:help@shop.test\"", mime.HtmlBody);
        Assert.Contains("src=\"https://shop.test/t/o/", mime.HtmlBody);
        var attachment = Assert.Single(mime.Attachments);
        Assert.Equal(("Rechnung 42.pdf", "application/pdf"), (attachment.FileName, attachment.ContentType));
        Assert.Equal(pdf, attachment.Content);
        Assert.Empty(mime.Problems);
        var sent = await channels.MessageAsync(1);
        Assert.Equal((OutboxStatus.Sent, mime.MessageId), (sent.Status, sent.ProviderMessageId));
    }

    [Fact]
    public async Task Text_only_email_goes_out_as_plain_text_without_tracking()
    {
        await using var listener = await ListenerHarness.StartAsync();
        await using var channels = await TestChannelsDb.CreateAsync();
        var options = MailSetup.Options(listener.Port);
        await using (var db = channels.Db())
            await new EmailOutbox(channels.Outbox, options, channels.Clock).EnqueueAsync(db, MailSetup.Email() with { Html = null, Text = "Plain https://x.test/a" });

        await MailSetup.EmailSender(channels, options).DeliverDueAsync();

        var mime = MimeMessageReader.Read(Assert.Single(listener.Received).Raw);
        Assert.Equal("Plain https://x.test/a", mime.TextBody);
        Assert.Null(mime.HtmlBody);
    }

    [Fact]
    public async Task Auto_mailbox_is_the_one_used_last_and_no_mailbox_means_the_first()
    {
        await using var listener = await ListenerHarness.StartAsync();
        await using var channels = await TestChannelsDb.CreateAsync();
        var options = MailSetup.Options(listener.Port, "sales", "support");
        var outbox = new EmailOutbox(channels.Outbox, options, channels.Clock);
        await using (var db = channels.Db())
        {
            await outbox.EnqueueAsync(db, MailSetup.Email("k1", mailbox: "auto"));
            await outbox.EnqueueAsync(db, MailSetup.Email("k2", mailbox: "support"));
            await outbox.EnqueueAsync(db, MailSetup.Email("k3", mailbox: "auto"));
        }

        await MailSetup.EmailSender(channels, options).DeliverDueAsync();

        Assert.Equal(["sales@shop.test", "support@shop.test", "support@shop.test"], listener.Received.Select(m => m.MailFrom));
    }

    [Theory]
    [InlineData("nobody", null, "mailbox")]
    [InlineData(null, "not-an-address", "to")]
    public async Task Email_naming_an_unknown_mailbox_or_a_bad_address_is_refused_naming_the_field(string? mailbox, string? to, string field)
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var outbox = new EmailOutbox(channels.Outbox, MailSetup.Options(25), channels.Clock);
        await using var db = channels.Db();

        var error = await Assert.ThrowsAsync<ChannelValidationException>(() =>
            outbox.EnqueueAsync(db, MailSetup.Email(mailbox: mailbox) with { To = to ?? "ann@example.com" }));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Recipient_refused_by_the_server_fails_the_message_at_once_with_the_servers_reason()
    {
        await using var listener = await ListenerHarness.StartAsync(new() { AcceptedDomains = ["shop.test"] });
        await using var channels = await TestChannelsDb.CreateAsync();
        var options = MailSetup.Options(listener.Port);
        var observer = new RecordingObserver();
        await using (var db = channels.Db()) await new EmailOutbox(channels.Outbox, options, channels.Clock).EnqueueAsync(db, MailSetup.Email());

        await MailSetup.EmailSender(channels, options, observer).DeliverDueAsync();

        var failed = await channels.MessageAsync(1);
        Assert.Equal((OutboxStatus.Failed, 1), (failed.Status, failed.Attempts));
        Assert.StartsWith("550 ", failed.LastError);
        Assert.Single(observer.Failed);
    }

    [Fact]
    public async Task Unreachable_mail_server_is_retried_later()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var options = MailSetup.Options(FreePort());
        await using (var db = channels.Db()) await new EmailOutbox(channels.Outbox, options, channels.Clock).EnqueueAsync(db, MailSetup.Email());

        await MailSetup.EmailSender(channels, options).DeliverDueAsync();

        var pending = await channels.MessageAsync(1);
        Assert.Equal((OutboxStatus.Pending, 1), (pending.Status, pending.Attempts));
        Assert.False(string.IsNullOrEmpty(pending.LastError));
        Assert.True(pending.NextAttemptAt > channels.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Email_resent_after_a_crash_carries_the_same_message_id_and_the_receiving_store_keeps_one()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var store = new InboundMailStore(channels.Db, null, new RecordingMailObserver(), channels.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<InboundMailStore>.Instance);
        await using var listener = await ListenerHarness.StartAsync(sink: store);
        var options = MailSetup.Options(listener.Port);
        var payload = new EmailPayload { Subject = "s", Text = "t", MessageId = MessageIds.ForKey("order-42-email-a1", "shop.test") };

        // The sender delivered, then died before recording it; the next sender delivers the same stored email again.
        var transport = new SmtpEmailTransport();
        await transport.SendAsync(options.Mailboxes[0], "ann@example.com", payload, CancellationToken.None);
        await transport.SendAsync(options.Mailboxes[0], "ann@example.com", payload, CancellationToken.None);

        await using var db = channels.Db();
        var stored = Assert.Single(db.InboundMail);
        Assert.Equal(MessageIds.Bare(payload.MessageId), stored.MessageId);
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
