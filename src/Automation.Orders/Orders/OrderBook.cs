using System.Globalization;
using Automation.Orders.Activities;
using Automation.Orders.Clients;
using Automation.Orders.Counters;
using Automation.Orders.Documents;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Shipments;
using Automation.Orders.Tasks;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Orders;

/// Orders and what happens to them: creation, status moves, payments, cancellation, delivery, responsible, fields.
/// Each change is saved together with its timeline entry and the inbox events it raises.
public sealed partial class OrderBook(StoreDb db, TimeProvider clock)
{
    /// Order numbers are this plus the "order" counter: 1001, 1002, …
    public const long FirstOrderNumber = 1001;

    private readonly CodeCounters counters = new(db);
    private readonly ClientDirectory clients = new(db, clock);
    private readonly OrderTimeline timeline = new(db, clock);
    private readonly EventInbox inbox = new(db, clock);

    public async Task<Order> CreateAsync(NewOrder request, CancellationToken cancellationToken)
    {
        Validate(request);
        if (request.ResponsibleId is { } responsibleId) await RequireEmployeeAsync(responsibleId, cancellationToken);
        return await db.InTransactionAsync(async token =>
        {
            // The counter goes first: on SQLite the transaction then holds the write lock from its first statement.
            var number = (FirstOrderNumber - 1 + await counters.NextAsync(CodeCounters.Orders, token)).ToString(CultureInfo.InvariantCulture);
            var client = await clients.FindOrCreateAsync(request.Client, token);
            var now = clock.GetUtcNow();
            var order = new Order
            {
                Number = number,
                Status = request.Status.Trim(),
                ResponsibleId = request.ResponsibleId,
                ClientId = client.Id,
                Items = [.. request.Items],
                Amount = request.Amount ?? request.Items.Sum(i => i.Total),
                Currency = request.Currency.Trim().ToUpperInvariant(),
                Fields = request.Fields?.ToDictionary() ?? [],
                CreatedAt = now,
                UpdatedAt = now,
                StatusChangedAt = now,
                Shipments = [.. request.Shipments.Select(s => new Shipment { DeliveryService = s.DeliveryService, Status = s.Status, UpdatedAt = now })],
            };
            db.Orders.Add(order);
            await db.SaveChangesAsync(token);
            timeline.Add(TimelineKind.StatusChange, order.Id, $"Order {number} created in status '{order.Status}'", null,
                new { from = (string?)null, to = order.Status });
            await db.SaveAddedAsync(token);
            return order;
        }, cancellationToken);
    }

    /// The order with its shipments and payments.
    public async Task<Order> GetAsync(long orderId, CancellationToken cancellationToken) =>
        await FindAsync(orderId, cancellationToken) ?? throw DomainException.OrderNotFound(orderId);

    /// The order with its shipments and payments. In a unit of work that already holds it with both loaded, that
    /// instance (changes made earlier in the unit included) without a query; otherwise loaded in one query.
    public Task<Order?> FindAsync(long orderId, CancellationToken cancellationToken) =>
        db.WholeAsync(orderId, OrderWithShipmentsAndPayments, cancellationToken);

    // Every event reads its order this way, inside the writer: prepared statements, not EF Core's query pipeline.
    private static readonly StoreAggregate<Order> OrderWithShipmentsAndPayments = new(o => o.Shipments, o => o.Payments);

    public async Task<Order?> FindByNumberAsync(string number, CancellationToken cancellationToken) =>
        await WithDetails(db.Orders).FirstOrDefaultAsync(o => o.Number == number, cancellationToken);

    /// Newest first; status null lists every order.
    public async Task<Page<Order>> ListAsync(string? status, PageRequest page, CancellationToken cancellationToken)
    {
        page.Validate();
        var orders = db.Orders.AsNoTracking().Where(o => status == null || o.Status == status);
        var total = await orders.CountAsync(cancellationToken);
        var items = await WithDetails(orders.OrderByDescending(o => o.Id).Skip(page.Offset).Take(page.Limit)).ToListAsync(cancellationToken);
        return new Page<Order>(items, page.Offset, page.Limit, total);
    }

    /// Moves the order into a status and records the move on its timeline. Starting the status's rules is the
    /// caller's part (the workflow engine), in the same transaction.
    public async Task<StatusChange> SetStatusAsync(long orderId, string newStatus, string? actor, string? reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(newStatus)) throw DomainException.Invalid("status", "must not be empty");
        var order = await GetAsync(orderId, cancellationToken);
        var from = order.Status;
        var to = newStatus.Trim();
        if (from == to) return new StatusChange(order, from, to, Changed: false);
        var now = clock.GetUtcNow();
        order.Status = to;
        order.StatusChangedAt = now;
        order.UpdatedAt = now;
        var text = $"Status changed from '{from}' to '{to}'" + (string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}");
        timeline.Add(TimelineKind.StatusChange, order.Id, text, actor, new { from, to, reason });
        await db.SaveChangesAsync(cancellationToken);
        return new StatusChange(order, from, to, Changed: true);
    }

    /// Hands the order to another employee (null: nobody) and raises "responsible.changed".
    public async Task<Order> ChangeResponsibleAsync(long orderId, long? responsibleId, string? actor, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (responsibleId is { } id) await RequireEmployeeAsync(id, cancellationToken);
        var from = order.ResponsibleId;
        if (from == responsibleId) return order;
        order.ResponsibleId = responsibleId;
        order.UpdatedAt = clock.GetUtcNow();
        timeline.Add(TimelineKind.Log, order.Id, $"Responsible changed from {Employee(from)} to {Employee(responsibleId)}", actor, new { from, to = responsibleId });
        inbox.Raise(EventTypes.ResponsibleChanged, order.Id, new { from, to = responsibleId });
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    /// Writes custom fields. Overwrite replaces each value (null clears it); Append adds the value, or each element
    /// of a JSON array value, to the field's JSON array (a single old value becomes the array's first element).
    public async Task<Order> SetFieldsAsync(long orderId, IReadOnlyDictionary<string, string?> values, FieldWriteMode mode, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrWhiteSpace(name)) throw DomainException.Invalid("fields", "contains a field without a name");
            order.Fields[name] = mode == FieldWriteMode.Append ? MultiValueField.Append(order.Fields.GetValueOrDefault(name), value) : value;
        }
        order.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    /// The "Delete CRM record" rule: deletes an unpaid order with its shipments, payments, timeline, activities and
    /// documents. A paid order is refused with a DomainException saying so.
    public async Task DeleteAsync(long orderId, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsPaid || order.Payments.Any(p => p.Paid))
            throw new DomainException("order_paid", $"Order {order.Number} is paid and may not be deleted.");
        // Explicit rather than by ON DELETE CASCADE, which a SQLite connection only honours with foreign_keys on; rows
        // this context tracks are forgotten first so that it does not delete them a second time.
        Forget<TimelineEntry>(e => e.OrderId == orderId);
        Forget<CrmActivity>(a => a.OrderId == orderId);
        Forget<CrmDocument>(d => d.OrderId == orderId);
        Forget<OrderTask>(t => t.OrderId == orderId);
        await db.InTransactionAsync(async token =>
        {
            await db.TimelineEntries.Where(e => e.OrderId == orderId).ExecuteDeleteAsync(token);
            await db.CrmActivities.Where(a => a.OrderId == orderId).ExecuteDeleteAsync(token);
            await db.CrmDocuments.Where(d => d.OrderId == orderId).ExecuteDeleteAsync(token);
            await db.Tasks.Where(t => t.OrderId == orderId).ExecuteDeleteAsync(token);
            db.Orders.Remove(order);
            await db.SaveChangesAsync(token);
            return true;
        }, cancellationToken);
    }

    private void Forget<T>(Func<T, bool> belongs) where T : class
    {
        foreach (var entry in db.ChangeTracker.Entries<T>().Where(e => belongs(e.Entity)).ToList()) entry.State = EntityState.Detached;
        db.ForgetAppended(belongs);
    }

    private static IQueryable<Order> WithDetails(IQueryable<Order> orders) =>
        orders.Include(o => o.Shipments.OrderBy(s => s.Id)).Include(o => o.Payments.OrderBy(p => p.Id)).AsSplitQuery();

    private async Task RequireEmployeeAsync(long employeeId, CancellationToken cancellationToken)
    {
        if (!await db.Employees.AnyAsync(e => e.Id == employeeId, cancellationToken)) throw DomainException.EmployeeNotFound(employeeId);
    }

    private static string Employee(long? id) => id is { } value ? $"employee {value}" : "nobody";

    private static void Validate(NewOrder request)
    {
        if (string.IsNullOrWhiteSpace(request.Status)) throw DomainException.Invalid("status", "must not be empty");
        if (string.IsNullOrWhiteSpace(request.Currency)) throw DomainException.Invalid("currency", "must not be empty");
        if (request.Amount is < 0) throw DomainException.Invalid("amount", "must not be negative");
        for (var i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            if (string.IsNullOrWhiteSpace(item.Name)) throw DomainException.Invalid($"items[{i}].name", "must not be empty");
            if (item.Quantity <= 0) throw DomainException.Invalid($"items[{i}].quantity", "must be greater than zero");
            if (item.Price < 0) throw DomainException.Invalid($"items[{i}].price", "must not be negative");
        }
        if (request.Shipments.Any(s => string.IsNullOrWhiteSpace(s.DeliveryService)))
        {
            throw DomainException.Invalid("shipments", "contains a shipment without a delivery service");
        }
    }
}
