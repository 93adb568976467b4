using System.Net.Mail;
using System.Text.Json;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Channels.Tracking;

namespace Automation.Channels.Mail;

/// Writes an email into the outbox in the caller's transaction: picks the mailbox, fixes the Message-ID from the
/// idempotency key, sets the order's Reply-To, and rewrites links for tracking (the tokens are stored with it).
public sealed class EmailOutbox(MessageOutbox outbox, MailOptions options, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ReplyAddresses? _replies = options.ReplyTo is { } reply ? new ReplyAddresses(reply) : null;

    public async Task<OutboxAcceptance> EnqueueAsync(ChannelsDb db, OutgoingEmail email, CancellationToken cancellationToken = default)
    {
        Validate(email);
        var payload = new EmailPayload
        {
            ToName = email.ToName,
            Subject = email.Subject,
            Html = email.Html,
            Text = email.Text ?? (email.Html is null ? null : HtmlText.ToPlain(email.Html)),
            Attachments = email.Attachments,
            ReplyTo = email.OrderId is { } orderId ? _replies?.For(orderId) : null,
            MessageId = MessageIds.ForKey(email.IdempotencyKey, options.IdDomain),
        };
        var accepted = await outbox.EnqueueAsync(db, new OutboxMessage
        {
            Channel = OutboxChannels.Email,
            Recipient = email.To,
            Sender = email.Mailbox,
            OrderId = email.OrderId,
            IdempotencyKey = email.IdempotencyKey,
            Payload = JsonSerializer.Serialize(payload, Json),
        }, cancellationToken);
        if (accepted.AlreadyEnqueued || email.Html is null || options.TrackingBaseUrl is null || !(email.TrackClicks || email.TrackOpens))
            return accepted;

        // The message id is known now; the tracked HTML and its tokens commit in the same transaction as the message.
        var message = accepted.Message;
        var tracked = EmailTracking.Rewrite(email.Html, message.Id, email.OrderId, options.TrackingBaseUrl, email.TrackClicks, email.TrackOpens,
            clock.GetUtcNow());
        db.TrackingLinks.AddRange(tracked.Links);
        message.Payload = JsonSerializer.Serialize(payload with { Html = tracked.Html }, Json);
        await db.SaveChangesAsync(cancellationToken);
        return accepted;
    }

    private void Validate(OutgoingEmail email)
    {
        if (!MailAddress.TryCreate(email.To, out _)) throw new ChannelValidationException("to", $"'{email.To}' is not an email address");
        if (string.IsNullOrWhiteSpace(email.Subject)) throw new ChannelValidationException("subject", "must not be empty");
        if (string.IsNullOrWhiteSpace(email.Html) && string.IsNullOrWhiteSpace(email.Text)) throw new ChannelValidationException("body", "must not be empty");
        if (options.Mailboxes.Count == 0) throw new ChannelValidationException("mailbox", "cannot be chosen: no mailbox is configured (Mail:Mailboxes)");
        if (email.Mailbox is { } name && !name.Equals(MessageOutbox.AutoSender, StringComparison.OrdinalIgnoreCase) && options.Find(name) is null)
            throw new ChannelValidationException("mailbox", $"'{name}' is not configured (known: {string.Join(", ", options.Mailboxes.Select(m => m.Name))})");
        foreach (var attachment in email.Attachments)
        {
            if (string.IsNullOrWhiteSpace(attachment.FileName)) throw new ChannelValidationException("attachments", "need a file name");
        }
    }
}
