using Automation.Channels.Mail;
using Automation.Channels.Outbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Channels.Tests.Support;

/// Mail options whose mailboxes send to a listener on 127.0.0.1 in plain SMTP.
public static class MailSetup
{
    public const string Secret = "test-secret-0123456789";

    public static MailOptions Options(int port, params string[] names) => new()
    {
        Mailboxes = (names.Length == 0 ? ["shop"] : names).Select(n => new MailboxOptions
        {
            Name = n,
            Host = "127.0.0.1",
            Port = port,
            Tls = MailTls.None,
            FromAddress = $"{n}@shop.test",
            FromName = $"{n} team",
            Timeout = TimeSpan.FromSeconds(30),
        }).ToList(),
        ReplyTo = new ReplyAddressOptions { Domain = "replies.shop.test", Secret = Secret },
        TrackingBaseUrl = "https://shop.test/",
    };

    public static OutboxSender EmailSender(TestChannelsDb channels, MailOptions options, IOutboxObserver? observer = null) =>
        new(channels.Db, [new EmailChannel(new SmtpEmailTransport(), options)], observer ?? NoOutboxObserver.Instance,
            new OutboxOptions(), channels.Clock, NullLogger<OutboxSender>.Instance);

    public static OutgoingEmail Email(string key = "order-42-email-a1", long? orderId = 42, string? mailbox = null) => new()
    {
        IdempotencyKey = key,
        OrderId = orderId,
        To = "ann@example.com",
        ToName = "Ann Buyer",
        Mailbox = mailbox,
        Subject = "Ihre Bestellung №42 ist unterwegs",
        Html = """<html><body><p>Order <b>42</b> shipped.</p><p><a href="https://carrier.test/track?id=42&amp;lang=de">Track it</a> · <a href="mailto:help@shop.test">help</a></p></body></html>""",
    };
}
