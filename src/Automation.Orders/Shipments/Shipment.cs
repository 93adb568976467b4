namespace Automation.Orders.Shipments;

/// A delivery of (part of) an order by one delivery service.
public sealed class Shipment
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public required string DeliveryService { get; set; }
    public string? TrackingNumber { get; set; }
    /// The delivery status code (e.g. "new", "in-transit", "delivered").
    public required string Status { get; set; }
    /// Delivery allowed.
    public bool Approved { get; set; }
    public bool Shipped { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// The changes to apply to a shipment; a null member leaves that field as it is.
public sealed record ShipmentPatch(string? TrackingNumber = null, bool? Approved = null, bool? Shipped = null, string? Status = null);

/// A shipment to create with a new order.
public sealed record NewShipment(string DeliveryService, string Status = "new");
