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

    /// The same notification to each recipient; a sender who is not an employee is refused.
    public async Task<IReadOnlyList<Notification>> SendAsync(IReadOnlyList<long> recipients, string text, long? orderId, long? senderId,
        CancellationToken cancellationToken)
    {
        if (recipients.Count == 0) throw DomainException.Invalid("recipients", "must name at least one employee");
        if (senderId is { } sender && !await db.Employees.AnyAsync(e => e.Id == sender, cancellationToken)) throw DomainException.EmployeeNotFound(sender);
        var sent = new List<Notification>();
        foreach (var recipient in recipients.Distinct()) sent.Add(await AddAsync(recipient, text, orderId, senderId, cancellationToken));
        return sent;
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
