using System.Text.Json;
using Automation.Channels.Calls;
using Automation.Channels.Mail;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Orders.Events;
using Automation.Rules.Clients;

namespace Automation.Server.Channels;

/// Hears how each outbox message ended: a message to a client becomes a line on its order's timeline and, once
/// sent, the "Message has been sent" event; a failure is a timeline error with the provider's reason. Messages to
/// employees go to the employee outbox's record instead. A call's result, when known, resumes a rule waiting for it.
public sealed class OrderMessageObserver(ChannelEvents events, EmployeeMessageOutcomes employees, Func<ChannelsDb> openDb) : IOutboxObserver
{
    public async Task DeliveredAsync(OutboxOutcome outcome, CancellationToken cancellationToken)
    {
        if (EmployeeMessageForwarder.IsEmployeeMessage(outcome.IdempotencyKey))
        {
            await employees.RecordAsync(outcome, cancellationToken);
            return;
        }
        if (outcome.OrderId is not { } orderId) return;
        var subject = await SubjectAsync(outcome, cancellationToken);
        var text = outcome.Channel switch
        {
            OutboxChannels.Email => $"Email sent to {outcome.Recipient}: {subject}",
            OutboxChannels.Sms => $"SMS sent to {outcome.Recipient}",
            _ => $"Automated call placed to {outcome.Recipient}",
        };
        await events.RaiseAsync(orderId, EventTypes.MessageSent, $"{EventTypes.MessageSent}:{outcome.IdempotencyKey}",
            new { channel = outcome.Channel, messageId = outcome.MessageId, to = outcome.Recipient, subject, providerMessageId = outcome.ProviderMessageId },
            timeline => timeline.AddMessageAsync(orderId, text, Details(outcome), cancellationToken), cancellationToken);
        // The log-only provider places no call, so no provider will ever report how it ended: say so now.
        if (outcome.Channel == OutboxChannels.Call && outcome.ProviderMessageId?.StartsWith("log:", StringComparison.Ordinal) == true)
            await CallEndedAsync(orderId, outcome.IdempotencyKey, outcome.Recipient, "not placed (log-only provider)", "logged", cancellationToken);
    }

    public async Task FailedAsync(OutboxOutcome outcome, CancellationToken cancellationToken)
    {
        if (EmployeeMessageForwarder.IsEmployeeMessage(outcome.IdempotencyKey))
        {
            await employees.RecordAsync(outcome, cancellationToken);
            return;
        }
        if (outcome.OrderId is not { } orderId) return;
        var what = outcome.Channel switch { OutboxChannels.Email => "Email", OutboxChannels.Sms => "SMS", _ => "Automated call" };
        await events.RaiseAsync(orderId, EventTypes.MessageFailed, $"{EventTypes.MessageFailed}:{outcome.IdempotencyKey}",
            new { channel = outcome.Channel, messageId = outcome.MessageId, to = outcome.Recipient, error = outcome.Error, attempts = outcome.Attempts },
            timeline => timeline.AddErrorAsync(orderId, $"{what} to {outcome.Recipient} failed after {outcome.Attempts} attempt(s): {outcome.Error}",
                Details(outcome), cancellationToken), cancellationToken);
        if (outcome.Channel == OutboxChannels.Call)
            await CallEndedAsync(orderId, outcome.IdempotencyKey, outcome.Recipient, CallResults.Failed, "failed", cancellationToken);
    }

    /// How a call ended, on the timeline and as "call.completed" (which resumes an Automated call rule waiting for it).
    public Task CallEndedAsync(long orderId, string idempotencyKey, string to, string result, string status, CancellationToken ct) =>
        events.RaiseAsync(orderId, EventTypes.CallCompleted, $"{EventTypes.CallCompleted}:{idempotencyKey}",
            new { waitKey = AutomatedCall.WaitKeyOf(idempotencyKey), result, status, to },
            timeline => timeline.AddMessageAsync(orderId, $"Automated call to {to}: {result}", new { result, status, to }, ct), ct);

    private static object Details(OutboxOutcome outcome) => new
    {
        outboxMessageId = outcome.MessageId,
        channel = outcome.Channel,
        to = outcome.Recipient,
        status = outcome.Status,
        attempts = outcome.Attempts,
        providerMessageId = outcome.ProviderMessageId,
        error = outcome.Error,
    };

    private async Task<string?> SubjectAsync(OutboxOutcome outcome, CancellationToken ct)
    {
        if (outcome.Channel != OutboxChannels.Email) return null;
        await using var db = openDb();
        var message = await MessageOutbox.FindAsync(db, outcome.MessageId, ct);
        return message is null ? null : JsonSerializer.Deserialize<EmailPayload>(message.Payload, JsonSerializerOptions.Web)?.Subject;
    }
}
