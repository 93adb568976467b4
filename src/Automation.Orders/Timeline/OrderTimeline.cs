using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Timeline;

/// An order's history: comments by people, log lines by rules, status changes, messages sent, errors.
public sealed class OrderTimeline(StoreDb db, TimeProvider clock)
{
    public Task<TimelineEntry> AddCommentAsync(long orderId, string text, string? author, CancellationToken cancellationToken) =>
        SaveAsync(TimelineKind.Comment, orderId, text, author, null, cancellationToken);

    public Task<TimelineEntry> AddLogAsync(long orderId, string text, string? author, object? data, CancellationToken cancellationToken) =>
        SaveAsync(TimelineKind.Log, orderId, text, author, data, cancellationToken);

    /// A message sent to the client or an employee (email, SMS, call), with its delivery details in data.
    public Task<TimelineEntry> AddMessageAsync(long orderId, string text, object? data, CancellationToken cancellationToken) =>
        SaveAsync(TimelineKind.Message, orderId, text, null, data, cancellationToken);

    /// A CRM activity (task, call, meeting) linked to the order.
    public Task<TimelineEntry> AddActivityAsync(long orderId, string text, object? data, CancellationToken cancellationToken) =>
        SaveAsync(TimelineKind.Activity, orderId, text, null, data, cancellationToken);

    public Task<TimelineEntry> AddErrorAsync(long orderId, string text, object? data, CancellationToken cancellationToken) =>
        SaveAsync(TimelineKind.Error, orderId, text, null, data, cancellationToken);

    /// Oldest first.
    public async Task<Page<TimelineEntry>> ListAsync(long orderId, PageRequest page, CancellationToken cancellationToken)
    {
        page.Validate();
        await EnsureOrderExistsAsync(orderId, cancellationToken);
        var entries = db.TimelineEntries.AsNoTracking().Where(e => e.OrderId == orderId);
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderBy(e => e.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken);
        return new Page<TimelineEntry>(items, page.Offset, page.Limit, total);
    }

    /// Stages an entry without saving, so it commits with the change it describes. Entries are only ever inserted, so they
    /// are appended (StoreDb.Append), not tracked.
    internal TimelineEntry Add(TimelineKind kind, long orderId, string text, string? author, object? data)
    {
        if (string.IsNullOrWhiteSpace(text)) throw DomainException.Invalid("text", "must not be empty");
        var entry = new TimelineEntry
        {
            OrderId = orderId,
            Kind = kind,
            Text = text,
            Author = author,
            Data = data is null ? "{}" : StoreJson.Write(data),
            At = clock.GetUtcNow(),
        };
        db.Append(entry);
        return entry;
    }

    private async Task<TimelineEntry> SaveAsync(TimelineKind kind, long orderId, string text, string? author, object? data, CancellationToken cancellationToken)
    {
        await EnsureOrderExistsAsync(orderId, cancellationToken);
        var entry = Add(kind, orderId, text, author, data);
        await db.SaveChangesAsync(cancellationToken);
        return entry;
    }

    private async Task EnsureOrderExistsAsync(long orderId, CancellationToken cancellationToken)
    {
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
    }
}
