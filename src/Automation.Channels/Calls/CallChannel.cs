using System.Text.Json;
using Automation.Channels.Outbox;
using Automation.Channels.Sms;

namespace Automation.Channels.Calls;

/// The outbox's automated-call channel. "Sent" means the provider accepted the call; how it ended (answered, busy,
/// no answer) arrives later as a status callback (MessageOutbox.RecordProviderStatusAsync).
public sealed class CallChannel(ICallProvider provider) : IOutboxChannel
{
    public string Name => OutboxChannels.Call;

    public Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        CallPayload? script;
        try
        {
            script = JsonSerializer.Deserialize<CallPayload>(message.Payload, PhoneNumbers.Json);
            if (script is null) return Task.FromResult(DeliveryResult.Reject("the stored call is empty"));
            CallMessages.Validate(script);
        }
        catch (Exception error) when (error is JsonException or ChannelValidationException)
        {
            return Task.FromResult(DeliveryResult.Reject($"the stored call cannot be placed ({error.Message})"));
        }
        return provider.CallAsync(new CallRequest(message.Recipient, message.Sender, script), message.IdempotencyKey, cancellationToken);
    }
}
