using System.Globalization;
using Automation.Orders.Orders;

namespace Automation.Rules.Conditions;

/// The order fields conditions, delays and triggers read by name: the order's own fields (case-insensitive, with or
/// without an `Order.` prefix), then its custom fields.
public static class OrderFields
{
    public static object? Read(Order order, string field)
    {
        var name = field.Trim();
        if (name.StartsWith("Order.", StringComparison.OrdinalIgnoreCase)) name = name[6..];
        return name.ToLowerInvariant() switch
        {
            "id" => order.Id,
            "number" => order.Number,
            "status" => order.Status,
            "amount" => order.Amount,
            "currency" => order.Currency,
            "ispaid" or "paid" => order.IsPaid,
            "isshipped" or "shipped" => order.IsShipped,
            "iscanceled" or "canceled" => order.IsCanceled,
            "cancelreason" => order.CancelReason,
            "deliveryallowed" => order.DeliveryAllowed,
            "responsibleid" or "responsible" => order.ResponsibleId,
            "createdat" => order.CreatedAt,
            "updatedat" => order.UpdatedAt,
            "statuschangedat" => order.StatusChangedAt,
            _ => order.Fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value,
        };
    }

    /// A date field of the order (its own dates, or a custom field holding an ISO date); null when empty or not a date.
    public static DateTimeOffset? Date(Order order, string field) => Read(order, field) switch
    {
        DateTimeOffset d => d,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) => d,
        _ => null,
    };
}
