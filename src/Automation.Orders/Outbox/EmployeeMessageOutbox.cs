using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Outbox;

/// Emails and SMS to employees, queued in the store until a channel sender takes them; each queued message is a line
/// on its order's timeline.
public sealed class EmployeeMessageOutbox(StoreDb db, TimeProvider clock)
{
    public const int MaxSmsLength = 1000;

    private readonly OrderTimeline timeline = new(db, clock);

    public async Task<EmployeeMessage> QueueAsync(MessageChannel channel, long employeeId, string? subject, string text, long? orderId,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text)) throw DomainException.Invalid("text", "must not be empty");
        if (channel == MessageChannel.Sms && text.Length > MaxSmsLength) throw DomainException.Invalid("text", $"is {text.Length} characters; an SMS takes at most {MaxSmsLength}");
        var employee = await db.Employees.AsNoTracking().FirstOrDefaultAsync(e => e.Id == employeeId, cancellationToken)
            ?? throw DomainException.EmployeeNotFound(employeeId);
        var address = channel == MessageChannel.Email ? employee.Email : employee.Phone;
        if (string.IsNullOrWhiteSpace(address))
            throw new DomainException("no_phone", $"Employee {employee.Name} has no phone number to send an SMS to.");
        var message = new EmployeeMessage
        {
            Channel = channel,
            EmployeeId = employeeId,
            Address = address,
            Subject = string.IsNullOrWhiteSpace(subject) ? null : subject.Trim(),
            Text = text,
            OrderId = orderId,
            IdempotencyKey = Guid.NewGuid().ToString("N"),
            Status = OutboxStatus.Pending,
            CreatedAt = clock.GetUtcNow(),
        };
        db.EmployeeMessages.Add(message);
        await db.SaveChangesAsync(cancellationToken);
        if (orderId is { } id)
        {
            timeline.Add(TimelineKind.Message, id, $"{(channel == MessageChannel.Email ? "Email" : "SMS")} to {employee.Name} ({address}) queued", null,
                new { messageId = message.Id, channel = channel.ToString(), employeeId, address, message.Subject });
            await db.SaveChangesAsync(cancellationToken);
        }
        return message;
    }

    /// Messages waiting to be sent, oldest first.
    public async Task<IReadOnlyList<EmployeeMessage>> PendingAsync(int limit, CancellationToken cancellationToken) =>
        await db.EmployeeMessages.AsNoTracking().Where(m => m.Status == OutboxStatus.Pending).OrderBy(m => m.Id).Take(limit)
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<EmployeeMessage>> ListForOrderAsync(long orderId, CancellationToken cancellationToken) =>
        await db.EmployeeMessages.AsNoTracking().Where(m => m.OrderId == orderId).OrderBy(m => m.Id).ToListAsync(cancellationToken);

    /// Newest first; for one employee and/or in one delivery state when given.
    public async Task<Page<EmployeeMessage>> ListAsync(long? employeeId, OutboxStatus? status, PageRequest page, CancellationToken cancellationToken)
    {
        page.Validate();
        var messages = db.EmployeeMessages.AsNoTracking().Where(m => (employeeId == null || m.EmployeeId == employeeId) && (status == null || m.Status == status));
        var total = await messages.CountAsync(cancellationToken);
        return new Page<EmployeeMessage>(await messages.OrderByDescending(m => m.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken),
            page.Offset, page.Limit, total);
    }

    /// Records a delivery attempt: sent, or failed with the error (Failed for good after maxAttempts).
    public async Task RecordAttemptAsync(long messageId, string? error, int maxAttempts, CancellationToken cancellationToken)
    {
        var message = await db.EmployeeMessages.FirstOrDefaultAsync(m => m.Id == messageId, cancellationToken)
            ?? throw new DomainException("message_not_found", $"Outbox message {messageId} does not exist.");
        message.Attempts++;
        message.Error = error;
        if (error is null)
        {
            message.Status = OutboxStatus.Sent;
            message.SentAt = clock.GetUtcNow();
        }
        else if (message.Attempts >= maxAttempts)
        {
            message.Status = OutboxStatus.Failed;
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
