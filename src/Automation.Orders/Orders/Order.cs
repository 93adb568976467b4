using System.ComponentModel.DataAnnotations;
using Automation.Orders.Payments;
using Automation.Orders.Shipments;

namespace Automation.Orders.Orders;

/// An order of the store: what was bought, by whom, where it stands (its status) and its payment and delivery flags.
public sealed class Order
{
    public long Id { get; set; }
    public required string Number { get; set; }
    /// The code of the order status, i.e. of the status workflow the order is in.
    public required string Status { get; set; }
    public long? ResponsibleId { get; set; }
    public long ClientId { get; set; }
    public List<OrderItem> Items { get; set; } = [];
    public decimal Amount { get; set; }
    public required string Currency { get; set; }
    public bool IsPaid { get; set; }
    public bool IsShipped { get; set; }
    public bool IsCanceled { get; set; }
    public string? CancelReason { get; set; }
    public bool DeliveryAllowed { get; set; }
    /// Custom fields; a multi-value field holds a JSON array.
    public Dictionary<string, string?> Fields { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset StatusChangedAt { get; set; }
    /// Optimistic concurrency token; StoreDb increments it whenever the order row changes.
    [ConcurrencyCheck]
    public long Version { get; set; }

    public List<Shipment> Shipments { get; set; } = [];
    public List<Payment> Payments { get; set; } = [];
}

/// One line of an order.
public sealed record OrderItem(string Name, string? Sku, decimal Quantity, decimal Price)
{
    public decimal Total => Quantity * Price;
}
