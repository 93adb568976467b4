using System.Collections.Concurrent;
using Automation.Channels.Outbox;

namespace Automation.Channels.Tests.Support;

/// A channel that records what it was given and answers as the test says.
public sealed class FakeChannel(string name, Func<OutboxMessage, Task<DeliveryResult>>? answer = null) : IOutboxChannel
{
    public string Name { get; } = name;
    public ConcurrentQueue<OutboxMessage> Deliveries { get; } = new();

    public Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        Deliveries.Enqueue(message);
        return answer?.Invoke(message) ?? Task.FromResult(DeliveryResult.Sent($"p-{message.Id}", "queued"));
    }
}

/// An observer that records the notices it got, and can be told to fail.
public sealed class RecordingObserver : IOutboxObserver
{
    public ConcurrentQueue<OutboxOutcome> Delivered { get; } = new();
    public ConcurrentQueue<OutboxOutcome> Failed { get; } = new();
    public int FailuresToThrow { get; set; }

    public Task DeliveredAsync(OutboxOutcome outcome, CancellationToken cancellationToken)
    {
        ThrowIfAsked();
        Delivered.Enqueue(outcome);
        return Task.CompletedTask;
    }

    public Task FailedAsync(OutboxOutcome outcome, CancellationToken cancellationToken)
    {
        ThrowIfAsked();
        Failed.Enqueue(outcome);
        return Task.CompletedTask;
    }

    private void ThrowIfAsked()
    {
        if (FailuresToThrow <= 0) return;
        FailuresToThrow--;
        throw new InvalidOperationException("timeline is down");
    }
}

public static class Messages
{
    public static OutboxMessage Sms(string key, string to = "+4740000001", long? orderId = 7, string? sender = null) => new()
    {
        Channel = OutboxChannels.Sms,
        Recipient = to,
        IdempotencyKey = key,
        OrderId = orderId,
        Sender = sender,
        Payload = """{"text":"Your order has shipped"}""",
    };
}
