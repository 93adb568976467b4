using System.Text.Json;
using Automation.Channels.Outbox;

namespace Automation.Channels.Sms;

/// The outbox's SMS channel.
public sealed class SmsChannel(ISmsProvider provider) : IOutboxChannel
{
    public string Name => OutboxChannels.Sms;

    public Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        SmsPayload? sms;
        try
        {
            sms = JsonSerializer.Deserialize<SmsPayload>(message.Payload, PhoneNumbers.Json);
        }
        catch (JsonException error)
        {
            return Task.FromResult(DeliveryResult.Reject($"the stored SMS cannot be read ({error.Message})"));
        }
        if (string.IsNullOrEmpty(sms?.Text)) return Task.FromResult(DeliveryResult.Reject("the stored SMS has no text"));
        return provider.SendAsync(new SmsRequest(message.Recipient, message.Sender, sms.Text), message.IdempotencyKey, cancellationToken);
    }
}
