using System.Text.Json;
using Automation.Channels.Outbox;

namespace Automation.Channels.Mail;

/// The outbox's email channel: reads the stored email and sends it from its mailbox.
public sealed class EmailChannel(IEmailTransport transport, MailOptions options) : IOutboxChannel
{
    public string Name => OutboxChannels.Email;

    public async Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        EmailPayload? email;
        try
        {
            email = JsonSerializer.Deserialize<EmailPayload>(message.Payload, EmailOutbox.Json);
        }
        catch (JsonException error)
        {
            return DeliveryResult.Reject($"the stored email cannot be read ({error.Message})");
        }
        if (email is null) return DeliveryResult.Reject("the stored email is empty");
        if (options.Find(message.Sender) is not { } mailbox)
            return DeliveryResult.Reject(message.Sender is null ? "no mailbox is configured" : $"mailbox '{message.Sender}' is not configured");
        try
        {
            await transport.SendAsync(mailbox, message.Recipient, email, cancellationToken);
            return DeliveryResult.Sent(MessageIds.Bare(email.MessageId), "sent");
        }
        catch (EmailRejectedException error)
        {
            return DeliveryResult.Reject(error.Message);
        }
    }
}
