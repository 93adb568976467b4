using System.Globalization;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Expressions;

/// Adds `Order` (number, status, amount, flags, Fields, Client, Responsible) to the expressions of every instance
/// whose correlation id is an order id.
public sealed class OrderExpressionModel : IExpressionModelContributor
{
    public async ValueTask ContributeAsync(ExpressionModel model, WorkflowInstanceInfo instance, ExpressionReferences references, StepUnitOfWork work,
        CancellationToken ct)
    {
        if (!long.TryParse(instance.CorrelationId, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)) return;
        var db = work.Db<StoreDb>();
        if (await new OrderBook(db, TimeProvider.System).FindAsync(orderId, ct) is { } order) model["Order"] = await DescribeAsync(db, order, references, ct);
    }

    /// The `Order` root for one order. The client and responsible, each a query, are left out when no expression may
    /// read them; they are read once per unit of work (its context keeps them).
    public static async Task<Dictionary<string, object?>> DescribeAsync(StoreDb db, Order order, ExpressionReferences references, CancellationToken ct)
    {
        var described = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Id"] = order.Id,
            ["Number"] = order.Number,
            ["Status"] = order.Status,
            ["Amount"] = order.Amount,
            ["Currency"] = order.Currency,
            ["IsPaid"] = order.IsPaid,
            ["IsShipped"] = order.IsShipped,
            ["IsCanceled"] = order.IsCanceled,
            ["CancelReason"] = order.CancelReason,
            ["DeliveryAllowed"] = order.DeliveryAllowed,
            ["CreatedAt"] = order.CreatedAt,
            ["StatusChangedAt"] = order.StatusChangedAt,
            ["ResponsibleId"] = order.ResponsibleId,
            ["Fields"] = order.Fields.ToDictionary(f => f.Key, f => (object?)f.Value, StringComparer.Ordinal),
        };
        if (references.MayRead("Order", "Client"))
        {
            var client = await ClientAsync(db, order.ClientId, ct);
            described["Client"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Id"] = client?.Id,
                ["Name"] = client?.Name,
                ["Email"] = client?.Emails.OrderBy(e => e.Id).FirstOrDefault()?.Value,
                ["Phone"] = client?.Phones.OrderBy(p => p.Id).FirstOrDefault()?.Value,
            };
        }
        if (references.MayRead("Order", "Responsible"))
        {
            var responsible = order.ResponsibleId is { } id ? await db.Employees.FindAsync([id], ct) : null;
            described["Responsible"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Id"] = responsible?.Id,
                ["Name"] = responsible?.Name,
                ["Email"] = responsible?.Email,
                ["Phone"] = responsible?.Phone,
            };
        }
        return described;
    }

    private static Task<Client?> ClientAsync(StoreDb db, long clientId, CancellationToken ct) => db.WholeAsync(clientId, ClientWithContacts, ct);

    // The expressions of every rule step read the client this way.
    private static readonly StoreAggregate<Client> ClientWithContacts = new(c => c.Emails, c => c.Phones);
}
