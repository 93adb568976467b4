using Automation.Orders.Orders;
using Automation.Orders.Persistence;

namespace Automation.Orders.Employees;

/// The people around an order whom rules address by role: its responsible, and the responsible's head.
public sealed class OrderPeople(StoreDb db)
{
    private readonly EmployeeDirectory directory = new(db);

    public long Responsible(Order order) =>
        order.ResponsibleId ?? throw new DomainException("no_recipient", $"Order {order.Number} has no responsible; choose an employee.");

    public async Task<long> ResponsiblesManagerAsync(Order order, CancellationToken cancellationToken)
    {
        var responsible = await directory.GetAsync(Responsible(order), cancellationToken);
        return responsible.ManagerId
            ?? throw new DomainException("no_recipient", $"The responsible of order {order.Number}, {responsible.Name}, has no manager; choose an employee.");
    }

    /// The chosen employees, plus the responsible's head when asked; the responsible when that leaves nobody.
    public async Task<IReadOnlyList<long>> RecipientsAsync(Order order, IReadOnlyList<long>? chosen, bool toManager, CancellationToken cancellationToken)
    {
        var recipients = new List<long>(chosen ?? []);
        if (toManager) recipients.Add(await ResponsiblesManagerAsync(order, cancellationToken));
        if (recipients.Count == 0) recipients.Add(Responsible(order));
        return recipients.Distinct().ToList();
    }
}
