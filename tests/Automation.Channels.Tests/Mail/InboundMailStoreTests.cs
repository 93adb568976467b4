using System.Net.Mail;
using System.Text;
using Automation.Channels.Mail;
using Automation.Channels.MailListener;
using Automation.Channels.Outbox;
using Automation.Channels.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Channels.Tests.Mail;

public sealed class InboundMailStoreTests
{
    private static readonly ReplyAddresses Replies = new(new ReplyAddressOptions { Domain = "replies.shop.test", Secret = MailSetup.Secret });

    private static InboundMailStore Store(TestChannelsDb channels, IInboundMailObserver observer) =>
        new(channels.Db, Replies, observer, channels.Clock, NullLogger<InboundMailStore>.Instance);

    private static ReceivedMail Mail(string raw, params string[] recipients) =>
        new("client.test", "ann@example.com", recipients.Length == 0 ? ["shop@shop.test"] : recipients, Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")),
            "127.0.0.1", DateTimeOffset.UnixEpoch);

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Reply_sent_by_smtp_client_to_the_orders_reply_address_is_stored_and_reported_with_its_order(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        var observer = new RecordingMailObserver();
        await using var listener = await ListenerHarness.StartAsync(sink: Store(channels, observer));
        using var message = new MailMessage(new MailAddress("ann@example.com", "Ann Käufer"), new MailAddress(Replies.For(42)))
        {
            Subject = "Re: Ihre Bestellung №42",
            Body = "Wann kommt das Paket? ✓",
            BodyEncoding = Encoding.UTF8,
            SubjectEncoding = Encoding.UTF8,
        };
        message.Attachments.Add(new Attachment(new MemoryStream([1, 2, 3]), "foto.jpg", "image/jpeg"));

        using (var client = new SmtpClient("127.0.0.1", listener.Port)) await client.SendMailAsync(message);

        var notice = Assert.Single(observer.Received);
        Assert.Equal((42L, "ann@example.com", "Ann Käufer", "Re: Ihre Bestellung №42"), (notice.OrderId!.Value, notice.FromAddress, notice.FromName, notice.Subject));
        Assert.Equal("Wann kommt das Paket? ✓", notice.TextBody?.TrimEnd());
        Assert.Equal(["foto.jpg"], notice.AttachmentNames);
        Assert.Equal([Replies.For(42)], notice.Recipients);
        await using var db = channels.Db();
        var stored = await db.InboundMail.SingleAsync();
        Assert.Equal(notice.Id, stored.Id);
        Assert.False(string.IsNullOrEmpty(stored.Helo));
        Assert.NotNull(stored.NotifiedAt);
        Assert.Contains("Subject:", Encoding.ASCII.GetString(stored.Raw));
    }

    [Fact]
    public async Task Reply_without_token_is_matched_through_in_reply_to_our_sent_email()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var sent = await channels.EnqueueAsync(new OutboxMessage { Channel = OutboxChannels.Email, Recipient = "ann@example.com", IdempotencyKey = "k", OrderId = 77 });
        await channels.Sender([new FakeChannel("email", _ => Task.FromResult(DeliveryResult.Sent("m77@shop.test")))]).DeliverDueAsync();
        var observer = new RecordingMailObserver();

        await Store(channels, observer).AcceptAsync(Mail("From: ann@example.com\nIn-Reply-To: <m77@shop.test>\nSubject: Re\n\nok"), CancellationToken.None);
        await Store(channels, observer).AcceptAsync(Mail("From: bob@example.com\nSubject: hello\n\nnew question"), CancellationToken.None);

        Assert.Equal([77L, null], observer.Received.Select(e => e.OrderId));
        Assert.Equal(77, sent.OrderId);
    }

    [Fact]
    public async Task Same_message_delivered_twice_is_stored_and_reported_once()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var observer = new RecordingMailObserver();
        var store = Store(channels, observer);
        var mail = Mail("Message-ID: <once@example.com>\nSubject: x\n\nbody");
        var noId = Mail("Subject: no id\n\nbody");

        var first = await store.AcceptAsync(mail, CancellationToken.None);
        var second = await store.AcceptAsync(mail with { Helo = "retry" }, CancellationToken.None);
        await store.AcceptAsync(noId, CancellationToken.None);
        await store.AcceptAsync(noId, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(2, observer.Received.Count);
        await using var db = channels.Db();
        Assert.Equal(2, await db.InboundMail.CountAsync());
    }

    [Fact]
    public async Task Broken_message_keeps_its_raw_bytes_and_what_could_be_read_with_the_problems()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var observer = new RecordingMailObserver();
        var raw = "From: ann@example.com\nSubject: =?x-unknown?Q?caf=E9?=\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain; charset=x-unknown\n\nhello";

        await Store(channels, observer).AcceptAsync(Mail(raw), CancellationToken.None);

        await using var db = channels.Db();
        var stored = await db.InboundMail.SingleAsync();
        Assert.Equal(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n")), stored.Raw);
        Assert.Equal(("ann@example.com", "hello"), (stored.FromAddress, stored.TextBody));
        Assert.Contains("unknown charset 'x-unknown', read as UTF-8", stored.Problems);
        Assert.Contains("multipart 'zz' is not closed", stored.Problems);
        Assert.Single(observer.Received);
    }

    [Fact]
    public async Task Notice_that_failed_is_repeated_by_notify_pending()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var observer = new RecordingMailObserver { FailuresToThrow = 1 };
        var store = Store(channels, observer);

        await store.AcceptAsync(Mail("Subject: x\n\nbody", Replies.For(9)), CancellationToken.None);
        Assert.Empty(observer.Received);

        Assert.Equal(1, await store.NotifyPendingAsync());
        Assert.Equal(0, await store.NotifyPendingAsync());
        Assert.Equal(9, Assert.Single(observer.Received).OrderId);
    }

    [Fact]
    public async Task Message_delivered_again_after_its_notice_failed_is_reported_then_and_once()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var observer = new RecordingMailObserver { FailuresToThrow = 1 };
        var store = Store(channels, observer);
        var mail = Mail("Message-ID: <retry@example.com>\nSubject: x\n\nbody", Replies.For(9));

        // As a node that stored the message and died before reporting it leaves it: its sender had no answer and sends again.
        var first = await store.AcceptAsync(mail, CancellationToken.None);
        Assert.Empty(observer.Received);
        var again = await store.AcceptAsync(mail with { Helo = "retry" }, CancellationToken.None);
        await store.AcceptAsync(mail with { Helo = "third" }, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(9, Assert.Single(observer.Received).OrderId);
        await using var db = channels.Db();
        Assert.NotNull((await db.InboundMail.SingleAsync()).NotifiedAt);
        Assert.Equal(0, await store.NotifyPendingAsync());
    }

    [Fact]
    public async Task Notices_owed_for_recent_mail_are_left_to_the_node_giving_them()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var observer = new RecordingMailObserver { FailuresToThrow = 2 };
        var store = Store(channels, observer);
        await store.AcceptAsync(Mail("Subject: older\n\nbody", Replies.For(1)), CancellationToken.None);
        channels.Clock.Advance(TimeSpan.FromSeconds(30));
        await store.AcceptAsync(Mail("Subject: newer\n\nbody", Replies.For(2)), CancellationToken.None);
        Assert.Empty(observer.Received);

        Assert.Equal(1, await store.NotifyPendingAsync(channels.Clock.GetUtcNow() - TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Equal([1L], observer.Received.Select(e => e.OrderId!.Value));

        channels.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await store.NotifyPendingAsync(channels.Clock.GetUtcNow() - TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Equal([1L, 2L], observer.Received.Select(e => e.OrderId!.Value));
    }
}
