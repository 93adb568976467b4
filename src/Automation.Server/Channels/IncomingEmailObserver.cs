using Automation.Channels.Mail;
using Automation.Orders.Clients;
using Automation.Orders.Events;
using Automation.Rules.Pipeline;
using Automation.Server.Api;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Channels;

/// Hears each stored incoming email: the order its reply address (or In-Reply-To) names gets the "Incoming e-mail"
/// event; without one, the sender's address is looked up among clients and each of that client's open orders gets it.
public sealed class IncomingEmailObserver(ChannelEvents events, StoreAccess store, OrderPipeline pipeline, TimeProvider clock, ILogger<IncomingEmailObserver> log)
    : IInboundMailObserver
{
    private const int MaxPreview = 2000;
    private const int MaxOrdersPerClient = 20;

    public async Task ReceivedAsync(IncomingEmail email, CancellationToken cancellationToken)
    {
        var orders = email.OrderId is { } orderId ? [orderId] : await OpenOrdersOfSenderAsync(email.FromAddress, cancellationToken);
        if (orders.Count == 0)
        {
            log.LogInformation("Incoming email {Id} from {From} matches no order", email.Id, email.FromAddress);
            return;
        }
        var data = new
        {
            inboundMailId = email.Id,
            from = email.FromAddress,
            fromName = email.FromName,
            subject = email.Subject,
            text = Preview(email.TextBody),
            attachments = email.AttachmentNames,
            messageId = email.MessageId,
        };
        foreach (var order in orders)
            await events.RaiseAsync(order, EventTypes.EmailReceived, $"{EventTypes.EmailReceived}:{email.Id}:{order}", data,
                timeline => timeline.AddMessageAsync(order, $"Email from {email.FromAddress} received: {email.Subject}",
                    new { inboundMailId = email.Id, from = email.FromAddress, subject = email.Subject }, cancellationToken), cancellationToken);
    }

    /// The sender's orders that are neither canceled nor in a final status, newest first (as the product fans a client's
    /// email out to the client's active items).
    private async Task<IReadOnlyList<long>> OpenOrdersOfSenderAsync(string? from, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(from)) return [];
        var final = (await pipeline.ListStatusesAsync(ct)).Where(s => s.IsFinal).Select(s => s.Code).ToList();
        return await store.ReadAsync(async db =>
        {
            if (await new ClientDirectory(db, clock).FindByEmailAsync(from, ct) is not { } client) return [];
            return (IReadOnlyList<long>)await db.Orders.AsNoTracking()
                .Where(o => o.ClientId == client.Id && !o.IsCanceled && !final.Contains(o.Status))
                .OrderByDescending(o => o.Id).Take(MaxOrdersPerClient).Select(o => o.Id).ToListAsync(ct);
        }, ct);
    }

    private static string? Preview(string? text) => text is { Length: > MaxPreview } ? text[..MaxPreview] : text;
}
