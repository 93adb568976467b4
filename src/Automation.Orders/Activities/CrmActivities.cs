using System.Globalization;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Activities;

/// The to-dos, calls and meetings of orders (what GET /api/orders/{id}/activities lists); each one created or
/// completed is also a line on the order's timeline.
public sealed class CrmActivities(StoreDb db, TimeProvider clock)
{
    private readonly OrderTimeline timeline = new(db, clock);

    public async Task<CrmActivity> CreateAsync(long orderId, NewCrmActivity request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Subject)) throw DomainException.Invalid("subject", "must not be empty");
        if (request.StartAt is { } start && request.EndAt is { } end && end < start)
            throw DomainException.Invalid("end", $"({end:O}) is before the start ({start:O})");
        if (request.ReminderMinutes is < 0) throw DomainException.Invalid("reminderMinutes", "must not be negative");
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
        if (request.ResponsibleId is { } responsibleId && !await db.Employees.AnyAsync(e => e.Id == responsibleId, cancellationToken))
            throw DomainException.EmployeeNotFound(responsibleId);
        var activity = new CrmActivity
        {
            OrderId = orderId,
            Kind = request.Kind,
            Subject = request.Subject.Trim(),
            Description = request.Description,
            ResponsibleId = request.ResponsibleId,
            StartAt = request.StartAt,
            EndAt = request.EndAt,
            ReminderMinutes = request.ReminderMinutes,
            IsImportant = request.IsImportant,
            AutoCompleteStatus = string.IsNullOrWhiteSpace(request.AutoCompleteStatus) ? null : request.AutoCompleteStatus.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.CrmActivities.Add(activity);
        await db.SaveChangesAsync(cancellationToken);
        timeline.Add(TimelineKind.Activity, orderId, Describe(activity), null,
            new { activityId = activity.Id, kind = activity.Kind.ToString(), activity.ResponsibleId, activity.StartAt, activity.EndAt });
        await db.SaveChangesAsync(cancellationToken);
        return activity;
    }

    public async Task<CrmActivity> GetAsync(long activityId, CancellationToken cancellationToken) =>
        await db.CrmActivities.FirstOrDefaultAsync(a => a.Id == activityId, cancellationToken)
        ?? throw new DomainException("activity_not_found", $"Activity {activityId} does not exist.");

    /// The order's activities, oldest first; open ones only unless asked.
    public async Task<IReadOnlyList<CrmActivity>> ListForOrderAsync(long orderId, bool includeCompleted, CancellationToken cancellationToken)
    {
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
        return await db.CrmActivities.AsNoTracking().Where(a => a.OrderId == orderId && (includeCompleted || !a.IsCompleted))
            .OrderBy(a => a.Id).ToListAsync(cancellationToken);
    }

    /// Completes an open activity; completing a completed one changes nothing.
    public async Task<CrmActivity> CompleteAsync(long activityId, string? reason, CancellationToken cancellationToken)
    {
        var activity = await GetAsync(activityId, cancellationToken);
        if (activity.IsCompleted) return activity;
        Complete(activity, reason);
        await db.SaveChangesAsync(cancellationToken);
        return activity;
    }

    /// Completes the order's open activities that were set to complete when the order leaves this status.
    public async Task<int> CompleteOnLeavingStatusAsync(long orderId, string status, CancellationToken cancellationToken)
    {
        var open = await OpenForStatus.ReadTrackedAsync(db, [orderId, false, status], cancellationToken);
        foreach (var activity in open) Complete(activity, $"the order left status '{status}'");
        if (open.Count > 0) await db.SaveChangesAsync(cancellationToken);
        return open.Count;
    }

    // Every status move asks it, inside the writer: one prepared statement, not EF Core's query pipeline.
    private static readonly StoreRows<CrmActivity> OpenForStatus = new(a => a.OrderId, a => a.IsCompleted, a => a.AutoCompleteStatus);

    private void Complete(CrmActivity activity, string? reason)
    {
        activity.IsCompleted = true;
        activity.CompletedAt = clock.GetUtcNow();
        activity.CompletedReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        timeline.Add(TimelineKind.Activity, activity.OrderId,
            $"{KindName(activity.Kind)} '{activity.Subject}' completed" + (activity.CompletedReason is { } why ? $": {why}" : ""), null,
            new { activityId = activity.Id, completed = true, reason = activity.CompletedReason });
    }

    private static string Describe(CrmActivity a)
    {
        var when = a.Kind == CrmActivityKind.ToDo
            ? a.EndAt is { } deadline ? $", deadline {Time(deadline)}" : ""
            : a.StartAt is { } start ? $", {Time(start)}" + (a.EndAt is { } end ? $" to {Time(end)}" : "") : "";
        var who = a.ResponsibleId is { } id ? $" for employee {id}" : "";
        return $"{KindName(a.Kind)} '{a.Subject}'{who}{when}";
    }

    private static string KindName(CrmActivityKind kind) => kind switch
    {
        CrmActivityKind.ToDo => "To-do",
        CrmActivityKind.Call => "Call",
        CrmActivityKind.Meeting => "Meeting",
        _ => "Waiting",
    };

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
