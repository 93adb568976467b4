using System.Globalization;
using Automation.Channels.Outbox;
using Automation.Orders.Outbox;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using StoreOutboxStatus = Automation.Orders.Outbox.OutboxStatus;

namespace Automation.Server.Channels;

/// How a forwarded employee message went: recorded on the store's employee message and on the order's timeline.
public sealed class EmployeeMessageOutcomes(WorkflowDatabase database, TimeProvider clock)
{
    /// Records the channel's outcome on the employee message (once: a repeated notice finds it no longer pending).
    public async Task RecordAsync(OutboxOutcome outcome, CancellationToken ct)
    {
        if (!long.TryParse(outcome.IdempotencyKey[EmployeeMessageForwarder.KeyPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return;
        await using var work = await database.BeginAsync(ct);
        var store = work.Db<StoreDb>();
        var message = await store.EmployeeMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (message is not { Status: StoreOutboxStatus.Pending }) return;
        var sent = outcome.Status == Automation.Channels.Outbox.OutboxStatus.Sent;
        await new EmployeeMessageOutbox(store, clock).RecordAttemptAsync(id, sent ? null : outcome.Error ?? "failed", maxAttempts: 1, ct);
        if (message.OrderId is { } orderId)
        {
            var timeline = new OrderTimeline(store, clock);
            var details = new { employeeMessageId = id, outboxMessageId = outcome.MessageId, attempts = outcome.Attempts, error = outcome.Error };
            if (sent) await timeline.AddMessageAsync(orderId, $"{EmployeeMessageForwarder.What(message)} to {message.Address} sent", details, ct);
            else await timeline.AddErrorAsync(orderId, $"{EmployeeMessageForwarder.What(message)} to {message.Address} failed: {outcome.Error}", details, ct);
        }
        await work.CommitAsync(ct);
    }
}
