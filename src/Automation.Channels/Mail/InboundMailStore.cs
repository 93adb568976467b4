using System.Security.Cryptography;
using System.Text.Json;
using Automation.Channels.MailListener;
using Automation.Channels.Mime;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.Mail;

/// The listener's sink: stores each message (raw bytes always, whatever the MIME reader made of it), finds the order
/// from the reply address token or from In-Reply-To/References naming one of our sent emails, and tells the observer.
/// The same message delivered twice (same Message-ID, or same bytes) is stored and reported once.
public sealed class InboundMailStore(
    Func<ChannelsDb> openDb, ReplyAddresses? replies, IInboundMailObserver observer, TimeProvider clock, ILogger<InboundMailStore> logger)
    : IInboundMailSink
{
    public async Task<string> AcceptAsync(ReceivedMail mail, CancellationToken cancellationToken)
    {
        var parsed = MimeMessageReader.Read(mail.Raw);
        var dedupKey = parsed.MessageId is { } id ? "id:" + id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(mail.Raw));
        await using var db = openDb();
        if (await db.InboundMail.AsNoTracking().FirstOrDefaultAsync(m => m.DedupKey == dedupKey, cancellationToken) is { } known)
        {
            // Delivered again: its sender had no answer the first time, so the node that stored it may have died before
            // reporting it. The observer's events are idempotent, so reporting it now is safe even if that node lives.
            if (known.NotifiedAt is null) await NotifyAsync(db, known, cancellationToken);
            return known.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var stored = new InboundMail
        {
            DedupKey = dedupKey,
            ReceivedAt = clock.GetUtcNow(),
            EnvelopeFrom = mail.MailFrom,
            EnvelopeTo = JsonSerializer.Serialize(mail.Recipients),
            RemoteAddress = mail.RemoteAddress,
            Helo = mail.Helo,
            Raw = mail.Raw,
            MessageId = parsed.MessageId,
            InReplyTo = parsed.InReplyTo,
            FromAddress = parsed.From.FirstOrDefault()?.Address ?? NullIfEmpty(mail.MailFrom),
            FromName = parsed.From.FirstOrDefault()?.Name,
            Subject = parsed.Subject,
            TextBody = parsed.TextBody,
            HtmlBody = parsed.HtmlBody,
            Attachments = JsonSerializer.Serialize(parsed.Attachments.Select(a => new { a.FileName, a.ContentType, Size = a.Content.Length })),
            Problems = parsed.Problems.Count == 0 ? null : string.Join('\n', parsed.Problems),
            OrderId = await OrderOfAsync(db, mail, parsed, cancellationToken),
        };
        db.InboundMail.Add(stored);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException error) when (UniqueViolation.Is(error))
        {
            var winner = await db.InboundMail.AsNoTracking().FirstAsync(m => m.DedupKey == dedupKey, cancellationToken);
            return winner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await NotifyAsync(db, stored, cancellationToken);
        return stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// Repeats the notices a crash or a failing observer left owed (at start, all of them).
    public Task<int> NotifyPendingAsync(CancellationToken cancellationToken = default) => NotifyPendingAsync(null, cancellationToken);

    /// Repeats the notices owed for mail received before the given time: what a node that died between storing a
    /// message and reporting it left behind, or an observer that failed. Any node may call it while the others run;
    /// a notice given twice is harmless (the observer's events are idempotent), and a recent one is left to the node
    /// that is giving it now.
    public async Task<int> NotifyPendingAsync(DateTimeOffset? receivedBefore, CancellationToken cancellationToken)
    {
        await using var db = openDb();
        var owed = db.InboundMail.AsNoTracking().Where(m => m.NotifiedAt == null);
        if (receivedBefore is { } before) owed = owed.Where(m => m.ReceivedAt < before);
        var notices = await owed.OrderBy(m => m.Id).Take(100).ToListAsync(cancellationToken);
        var notified = 0;
        foreach (var mail in notices)
        {
            if (await NotifyAsync(db, mail, cancellationToken)) notified++;
        }
        return notified;
    }

    private async Task<bool> NotifyAsync(ChannelsDb db, InboundMail mail, CancellationToken cancellationToken)
    {
        try
        {
            await observer.ReceivedAsync(ToIncoming(mail), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError(error, "Incoming mail observer failed for message {Id}; the notice will be repeated", mail.Id);
            return false;
        }
        DateTimeOffset? now = clock.GetUtcNow();
        await db.InboundMail.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(set => set.SetProperty(m => m.NotifiedAt, now), cancellationToken);
        return true;
    }

    /// The reply token in a recipient address wins; otherwise a reply to one of our emails names it in its headers.
    private async Task<long?> OrderOfAsync(ChannelsDb db, ReceivedMail mail, MimeMessage parsed, CancellationToken cancellationToken)
    {
        var addresses = mail.Recipients.Concat(parsed.To.Concat(parsed.Cc).Select(a => a.Address));
        if (replies?.OrderOf(addresses) is { } fromToken) return fromToken;
        var ids = parsed.References.Append(parsed.InReplyTo).OfType<string>().Distinct().ToList();
        if (ids.Count == 0) return null;
        return await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Channel == OutboxChannels.Email && m.ProviderMessageId != null && ids.Contains(m.ProviderMessageId) && m.OrderId != null)
            .OrderByDescending(m => m.Id).Select(m => m.OrderId).FirstOrDefaultAsync(cancellationToken);
    }

    internal static IncomingEmail ToIncoming(InboundMail mail)
    {
        using var attachments = JsonDocument.Parse(mail.Attachments);
        var names = attachments.RootElement.EnumerateArray().Select(a => a.GetProperty("FileName").GetString() ?? "").ToList();
        return new IncomingEmail(mail.Id, mail.OrderId, mail.FromAddress, mail.FromName, JsonSerializer.Deserialize<string[]>(mail.EnvelopeTo) ?? [],
            mail.Subject, mail.TextBody, mail.HtmlBody, names, mail.MessageId, mail.InReplyTo, mail.ReceivedAt);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
