using Automation.Orders.Clients;
using Automation.Orders.Persistence;

namespace Automation.Orders.Orders;

/// An order as a unit of work left it, with its shipments and payments, and its client when the unit had loaded that
/// too: once the unit has committed, what a read of the order would return, without the read. Its generated keys are
/// set by the commit's saves, so it is looked at after the commit.
public sealed record OrderAsLeft(Order Order, Client? Client, DatabaseProvider Provider)
{
    /// The order the unit holds whole and still tracks (null when it never loaded it whole, or deleted it).
    public static OrderAsLeft? Of(StoreDb db, long orderId) =>
        db.HeldWhole<Order>(orderId) is { } order ? new(order, db.HeldWhole<Client>(order.ClientId), db.Provider) : null;

    /// A time as the database gives it back: PostgreSQL keeps microseconds, SQLite (UTC text) every tick.
    public DateTimeOffset AsStored(DateTimeOffset time) =>
        Provider == DatabaseProvider.PostgreSql ? time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond)) : time;
}
