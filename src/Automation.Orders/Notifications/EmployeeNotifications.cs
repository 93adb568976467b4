using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Notifications;

/// In-app notifications to employees (what GET /api/notifications?employeeId= shows).
public sealed class EmployeeNotifications(StoreDb db, TimeProvider clock)
{
    public async Task<Notification> AddAsync(long employeeId, string text, long? orderId, long? senderId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text)) throw DomainException.Invalid("text", "must not be empty");
        if (!await db.Employees.AnyAsync(e => e.Id == employeeId, cancellationToken)) throw DomainException.EmployeeNotFound(employeeId);
        var notification = new Notification { EmployeeId = employeeId, OrderId = orderId, Text = text, SenderId = senderId, At = clock.GetUtcNow() };
        db.Notifications.Add(notification);
        await db.SaveChangesAsync(cancellationToken);
        return notification;
    }

    /// Newest first.
    public async Task<Page<Notification>> ListForEmployeeAsync(long employeeId, PageRequest page, bool unreadOnly, CancellationToken cancellationToken)
    {
        page.Validate();
        var notifications = db.Notifications.AsNoTracking().Where(n => n.EmployeeId == employeeId && (!unreadOnly || !n.IsRead));
        var total = await notifications.CountAsync(cancellationToken);
        var items = await notifications.OrderByDescending(n => n.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken);
        return new Page<Notification>(items, page.Offset, page.Limit, total);
    }

    /// Marks the given notifications of the employee read; returns how many changed.
    public async Task<int> MarkReadAsync(long employeeId, IReadOnlyCollection<long> notificationIds, CancellationToken cancellationToken) =>
        await db.Notifications.Where(n => n.EmployeeId == employeeId && notificationIds.Contains(n.Id) && !n.IsRead)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.IsRead, true), cancellationToken);
}
