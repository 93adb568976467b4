using Automation.Orders.Events;
using Automation.Orders.Orders;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// Row locks for decisions several nodes may take at once on PostgreSQL (DESIGN.md §4, docs/operations.md): whoever
/// locks the row first decides, the other waits for that commit and then reads what it decided. Call them inside a
/// unit of work, before reading the row. On SQLite, whose one writer already serialises every unit of work, they do
/// nothing.
public static class RowLocks
{
    /// Holds the order until the caller's transaction ends, and re-reads it if the context already tracked it unchanged,
    /// so that its status is the one committed last. Serialises status changes of one order across nodes. Nothing to do
    /// when the transaction holds the row already: locked before, or updated with its version checked (a payment's
    /// save), which locks it as well and proves the values written were the last committed.
    public static async Task LockOrderAsync(StoreDb db, long orderId, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.PostgreSql || db.Holds(typeof(Order), orderId)) return;
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM orders WHERE \"Id\" = {orderId} FOR UPDATE", ct);
        if (db.ChangeTracker.Entries<Order>().FirstOrDefault(e => e.Entity.Id == orderId) is { State: EntityState.Unchanged } tracked)
            await tracked.ReloadAsync(ct);
        db.Hold(typeof(Order), orderId);
    }

    /// Holds an inbox event until the caller's transaction ends: of two nodes processing one event, the second sees it
    /// processed once the first commits.
    public static async Task LockInboxEventAsync(StoreDb db, long eventId, CancellationToken ct)
    {
        if (db.Provider != DatabaseProvider.PostgreSql) return;
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM inbox_events WHERE \"Id\" = {eventId} FOR UPDATE", ct);
        if (db.ChangeTracker.Entries<InboxEvent>().FirstOrDefault(e => e.Entity.Id == eventId) is { State: EntityState.Unchanged } tracked)
            await tracked.ReloadAsync(ct);
    }
}
