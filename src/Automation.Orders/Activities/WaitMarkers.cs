using System.Globalization;
using Automation.Orders.Notifications;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Activities;

/// The waiting markers of the Wait rule (Bitrix24's "waiting" activity): an entry on the order's timeline until the
/// client's next activity or its end, whichever comes first. Only the end notifies the responsible. Completing is a
/// conditional update, so a client event and the end timer racing for one marker complete it (and notify) once.
public sealed class WaitMarkers(StoreDb db, TimeProvider clock)
{
    public async Task<CrmActivity> CreateAsync(long orderId, long? responsibleId, string subject, string? description, DateTimeOffset end,
        CancellationToken cancellationToken) =>
        await new CrmActivities(db, clock).CreateAsync(orderId, new NewCrmActivity(CrmActivityKind.Wait, subject)
        {
            Description = description,
            ResponsibleId = responsibleId,
            StartAt = clock.GetUtcNow(),
            EndAt = end,
        }, cancellationToken);

    /// Completes the open waiting markers of these orders because the client did something (the event type).
    public async Task<int> CompleteOnClientActivityAsync(IReadOnlyCollection<long> orderIds, string eventType, CancellationToken cancellationToken)
    {
        if (orderIds.Count == 0) return 0;
        var open = await db.CrmActivities.AsNoTracking()
            .Where(a => orderIds.Contains(a.OrderId) && a.Kind == CrmActivityKind.Wait && !a.IsCompleted)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var completed = 0;
        foreach (var id in open)
            if (await CompleteAsync(id, $"the client's activity ({eventType}) arrived", notify: false, cancellationToken)) completed++;
        return completed;
    }

    /// Ends one marker whose end has come: completes it and notifies its responsible. False when it is gone, already
    /// completed, or its end has not come yet (by this clock).
    public async Task<bool> EndAsync(long activityId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.CrmActivities.AsNoTracking()
            .AnyAsync(a => a.Id == activityId && a.Kind == CrmActivityKind.Wait && !a.IsCompleted && a.EndAt <= now, cancellationToken);
        return due && await CompleteAsync(activityId, "its end came", notify: true, cancellationToken);
    }

    /// Ends every marker whose end has come (what the end timers do, and a safety net after a stop).
    public async Task<int> EndDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.CrmActivities.AsNoTracking()
            .Where(a => a.Kind == CrmActivityKind.Wait && !a.IsCompleted && a.EndAt <= now)
            .OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var id in due)
            if (await CompleteAsync(id, "its end came", notify: true, cancellationToken)) ended++;
        return ended;
    }

    /// Open markers with their end, for scheduling their timers again after a start.
    public async Task<IReadOnlyList<(long Id, DateTimeOffset End)>> ListOpenAsync(CancellationToken cancellationToken) =>
        (await db.CrmActivities.AsNoTracking().Where(a => a.Kind == CrmActivityKind.Wait && !a.IsCompleted && a.EndAt != null)
            .Select(a => new { a.Id, a.EndAt }).ToListAsync(cancellationToken))
        .Select(a => (a.Id, a.EndAt!.Value)).ToList();

    /// The open markers among the activities after afterId that were created before createdBefore, and the id up to
    /// which every activity has been looked at (the next call starts there). Activities are history and only grow, so
    /// this walks the primary key from where the last call stopped, up to the first activity created too recently (ids
    /// follow creation); the first call (afterId 0) reads them all once.
    public async Task<(IReadOnlyList<(long Id, DateTimeOffset End)> Open, long CheckedUpTo)> ListOpenCreatedAfterAsync(
        long afterId, DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var recent = await db.CrmActivities.AsNoTracking().Where(a => a.Id > afterId && a.CreatedAt >= createdBefore)
            .OrderBy(a => a.Id).Select(a => (long?)a.Id).FirstOrDefaultAsync(cancellationToken);
        var upTo = recent - 1 ?? await db.CrmActivities.AsNoTracking().MaxAsync(a => (long?)a.Id, cancellationToken) ?? afterId;
        var open = await db.CrmActivities.AsNoTracking()
            .Where(a => a.Id > afterId && a.Id <= upTo && a.Kind == CrmActivityKind.Wait && !a.IsCompleted && a.EndAt != null)
            .Select(a => new { a.Id, a.EndAt }).ToListAsync(cancellationToken);
        return (open.Select(a => (a.Id, a.EndAt!.Value)).ToList(), Math.Max(afterId, upTo));
    }

    private async Task<bool> CompleteAsync(long id, string reason, bool notify, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = clock.GetUtcNow();
        var won = await db.CrmActivities.Where(a => a.Id == id && !a.IsCompleted).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.IsCompleted, true)
            .SetProperty(a => a.CompletedAt, now)
            .SetProperty(a => a.CompletedReason, reason), cancellationToken);
        if (won == 0) return false;
        var marker = await db.CrmActivities.AsNoTracking().FirstAsync(a => a.Id == id, cancellationToken);
        new OrderTimeline(db, clock).Add(TimelineKind.Activity, marker.OrderId, $"Waiting '{marker.Subject}' completed: {reason}", null,
            new { activityId = id, completed = true, reason });
        if (notify && marker.ResponsibleId is { } responsible)
        {
            var number = await db.Orders.AsNoTracking().Where(o => o.Id == marker.OrderId).Select(o => o.Number).FirstOrDefaultAsync(cancellationToken);
            var started = marker.StartAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            db.Notifications.Add(new Notification
            {
                EmployeeId = responsible,
                OrderId = marker.OrderId,
                Text = $"Order {number ?? marker.OrderId.ToString(CultureInfo.InvariantCulture)}: the wait '{marker.Subject}' (since {started}) has ended without a reply from the client.",
                At = clock.GetUtcNow(),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
