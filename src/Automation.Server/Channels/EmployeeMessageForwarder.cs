using System.Globalization;
using Automation.Channels;
using Automation.Channels.Mail;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Channels.Sms;
using Automation.Orders.Outbox;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Server.Hosting;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Channels;

/// The one place where the store's employee messages (the "SMS/email to employee" rules) meet the channels: each pending
/// one is written into the channels' outbox under a key made from its id, so it is forwarded once however often this
/// runs, and its outcome is recorded back on it and on the order's timeline.
public sealed class EmployeeMessageForwarder(
    WorkflowDatabase database, StorageSettings storage, EmailOutbox emails, MessageOutbox outbox, OutboxSender sender, OutboxOptions options,
    TimeProvider clock, ILogger<EmployeeMessageForwarder> log) : BackgroundService
{
    internal const string KeyPrefix = "employee-message:";
    private const int Batch = 50;

    public static bool IsEmployeeMessage(string idempotencyKey) => idempotencyKey.StartsWith(KeyPrefix, StringComparison.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ForwardPendingAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                log.LogError(error, "Forwarding employee messages failed; trying again");
            }
            await Task.Delay(options.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// Forwards the pending employee messages not forwarded yet; returns how many it forwarded or refused.
    public async Task<int> ForwardPendingAsync(CancellationToken ct)
    {
        // A plain read first: on SQLite a unit of work would take the write gate on every pass just to look.
        var waiting = await NotForwardedAsync(ct);
        if (waiting.Count == 0) return 0;
        await using var work = await database.BeginAsync(ct);
        var store = work.Db<StoreDb>();
        var channels = work.Db<ChannelsDb>();
        var timeline = new OrderTimeline(store, clock);
        var forwarded = 0;
        foreach (var message in waiting)
        {
            try
            {
                await EnqueueAsync(channels, message, ct);
                forwarded++;
            }
            catch (ChannelValidationException refused)
            {
                await new EmployeeMessageOutbox(store, clock).RecordAttemptAsync(message.Id, refused.Message, maxAttempts: 1, ct);
                if (message.OrderId is { } orderId)
                    await timeline.AddErrorAsync(orderId, $"{What(message)} to {message.Address} cannot be sent: {refused.Message}", new { employeeMessageId = message.Id }, ct);
            }
        }
        await work.CommitAsync(ct);
        sender.Wake();
        return waiting.Count;
    }

    private async Task<IReadOnlyList<EmployeeMessage>> NotForwardedAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        List<EmployeeMessage> pending;
        await using (var store = StoreDb.Create(connection, null, storage.StoreProvider))
            pending = [.. await new EmployeeMessageOutbox(store, clock).PendingAsync(Batch, ct)];
        if (pending.Count == 0) return pending;
        var keys = pending.Select(m => KeyPrefix + m.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        await using var channels = ChannelsDb.Create(connection, database.Provider);
        var known = await channels.OutboxMessages.AsNoTracking().Where(m => keys.Contains(m.IdempotencyKey)).Select(m => m.IdempotencyKey).ToListAsync(ct);
        return pending.Where(m => !known.Contains(KeyPrefix + m.Id.ToString(CultureInfo.InvariantCulture))).ToList();
    }

    /// Employee messages carry no order Reply-To or tracking: they are notes to staff, not client conversation.
    private Task<OutboxAcceptance> EnqueueAsync(ChannelsDb db, EmployeeMessage message, CancellationToken ct)
    {
        var key = KeyPrefix + message.Id.ToString(CultureInfo.InvariantCulture);
        if (message.Channel == MessageChannel.Sms) return outbox.EnqueueAsync(db, SmsMessages.Create(key, message.Address, message.Text), ct);
        return emails.EnqueueAsync(db, new OutgoingEmail
        {
            IdempotencyKey = key,
            To = message.Address,
            Subject = message.Subject ?? "Message from the order automation",
            Text = message.Text,
            TrackClicks = false,
            TrackOpens = false,
        }, ct);
    }

    internal static string What(EmployeeMessage message) => message.Channel == MessageChannel.Email ? "Email" : "SMS";
}
