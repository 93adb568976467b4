using Automation.Channels.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Tracking;

/// What a tracking hit stands for: the host redirects a click to Url and fires "Email link clicked" (with Url) or
/// "Email viewed" for the order. FirstHit tells the first hit from repeats (mail scanners, a second click).
public sealed record TrackingHit(string Kind, string? Url, long OutboxMessageId, long? OrderId, bool FirstHit, int Hits);

/// Resolves the tokens of tracked links and open pixels, counting hits.
public sealed class TrackingLinks(ChannelsDb db, TimeProvider clock)
{
    /// The link behind a token, with the hit recorded; null for a token that was never issued (answer 404).
    public async Task<TrackingHit?> HitAsync(string token, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? now = clock.GetUtcNow();
        var first = await db.TrackingLinks.Where(l => l.Token == token && l.FirstHitAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.FirstHitAt, now).SetProperty(l => l.LastHitAt, now).SetProperty(l => l.Hits, l => l.Hits + 1),
                cancellationToken);
        if (first == 0)
        {
            await db.TrackingLinks.Where(l => l.Token == token)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.LastHitAt, now).SetProperty(l => l.Hits, l => l.Hits + 1), cancellationToken);
        }
        var link = await db.TrackingLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Token == token, cancellationToken);
        return link is null ? null : new TrackingHit(link.Kind, link.Url, link.OutboxMessageId, link.OrderId, first == 1, link.Hits);
    }

    /// The links issued for one message (to show which were clicked).
    public async Task<IReadOnlyList<TrackingLink>> ForMessageAsync(long outboxMessageId, CancellationToken cancellationToken = default) =>
        await db.TrackingLinks.AsNoTracking().Where(l => l.OutboxMessageId == outboxMessageId).OrderBy(l => l.Id).ToListAsync(cancellationToken);
}
