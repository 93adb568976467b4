using Automation.Orders.Events;
using Automation.Orders.Shipments;

namespace Automation.Orders.Orders;

public sealed partial class OrderBook
{
    /// The "Allow delivery" rule: approves every shipment and raises "shipment.approved" {shipmentIds}.
    public async Task<Order> AllowDeliveryAsync(long orderId, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsCanceled) throw DomainException.OrderCanceled(order.Number, "allowing delivery");
        var approved = order.Shipments.Where(s => !s.Approved).ToList();
        if (order.DeliveryAllowed && approved.Count == 0) return order;
        var now = clock.GetUtcNow();
        approved.ForEach(s => { s.Approved = true; s.UpdatedAt = now; });
        order.DeliveryAllowed = true;
        order.UpdatedAt = now;
        inbox.Raise(EventTypes.ShipmentApproved, order.Id, new { shipmentIds = approved.Select(s => s.Id) });
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    /// The "Ship order" rule: marks every shipment shipped and raises "shipment.shipped" {shipmentIds}.
    public async Task<Order> MarkShippedAsync(long orderId, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsCanceled) throw DomainException.OrderCanceled(order.Number, "shipping it");
        var shipped = order.Shipments.Where(s => !s.Shipped).ToList();
        if (order.IsShipped && shipped.Count == 0) return order;
        var now = clock.GetUtcNow();
        shipped.ForEach(s => { s.Shipped = true; s.UpdatedAt = now; });
        order.IsShipped = true;
        order.UpdatedAt = now;
        inbox.Raise(EventTypes.ShipmentShipped, order.Id, new { shipmentIds = shipped.Select(s => s.Id) });
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    /// Changes one shipment; the order's DeliveryAllowed and IsShipped follow its shipments. Raises
    /// "shipment.tracking-number-added" (first tracking number), "shipment.approved", "shipment.shipped" as they
    /// happen, and "shipment.updated" {shipmentId, changes, shipment} whenever anything changed.
    public async Task<Shipment> UpdateShipmentAsync(long orderId, long shipmentId, ShipmentPatch patch, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        var shipment = order.Shipments.FirstOrDefault(s => s.Id == shipmentId) ?? throw DomainException.ShipmentNotFound(order.Number, shipmentId);
        var changes = new Dictionary<string, object?>();
        var hadTracking = !string.IsNullOrEmpty(shipment.TrackingNumber);
        var wasApproved = shipment.Approved;
        var wasShipped = shipment.Shipped;
        if (patch.TrackingNumber is { } tracking && NullIfBlank(tracking) != shipment.TrackingNumber)
        {
            changes["trackingNumber"] = shipment.TrackingNumber = NullIfBlank(tracking);
        }
        if (patch.Status is { } status && status.Trim() != shipment.Status)
        {
            if (status.Trim().Length == 0) throw DomainException.Invalid("status", "must not be empty");
            changes["status"] = shipment.Status = status.Trim();
        }
        if (patch.Approved is { } approved && approved != shipment.Approved) changes["approved"] = shipment.Approved = approved;
        if (patch.Shipped is { } isShipped && isShipped != shipment.Shipped) changes["shipped"] = shipment.Shipped = isShipped;
        if (changes.Count == 0) return shipment;

        var now = clock.GetUtcNow();
        shipment.UpdatedAt = now;
        order.DeliveryAllowed = order.Shipments.All(s => s.Approved);
        order.IsShipped = order.Shipments.All(s => s.Shipped);
        order.UpdatedAt = now;
        long[] ids = [shipment.Id];
        if (!hadTracking && shipment.TrackingNumber is { } added)
        {
            inbox.Raise(EventTypes.ShipmentTrackingNumberAdded, order.Id, new { shipmentId, shipmentIds = ids, trackingNumber = added, deliveryService = shipment.DeliveryService });
        }
        if (!wasApproved && shipment.Approved) inbox.Raise(EventTypes.ShipmentApproved, order.Id, new { shipmentId, shipmentIds = ids });
        if (!wasShipped && shipment.Shipped) inbox.Raise(EventTypes.ShipmentShipped, order.Id, new { shipmentId, shipmentIds = ids });
        inbox.Raise(EventTypes.ShipmentUpdated, order.Id, new { shipmentId, shipmentIds = ids, changes, shipment = ShipmentFields(shipment) });
        await db.SaveChangesAsync(cancellationToken);
        return shipment;
    }

    /// The shipment as the "Shipment updated" trigger's condition reads it, after the change.
    private static object ShipmentFields(Shipment s) =>
        new { id = s.Id, deliveryService = s.DeliveryService, status = s.Status, trackingNumber = s.TrackingNumber, approved = s.Approved, shipped = s.Shipped };

    private static string? NullIfBlank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// The "Edit shipments" and "Set shipment status" rules: applies the patch to every shipment of the order, or to
    /// those of one delivery service; returns the shipments it changed.
    public async Task<IReadOnlyList<Shipment>> UpdateShipmentsAsync(long orderId, ShipmentPatch patch, string? deliveryService, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsCanceled) throw DomainException.OrderCanceled(order.Number, "changing its shipments");
        var service = string.IsNullOrWhiteSpace(deliveryService) ? null : deliveryService.Trim();
        var changed = new List<Shipment>();
        foreach (var shipment in order.Shipments.Where(s => service is null || string.Equals(s.DeliveryService, service, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            var before = (shipment.Status, shipment.Approved, shipment.Shipped, shipment.TrackingNumber);
            await UpdateShipmentAsync(orderId, shipment.Id, patch, cancellationToken);
            if (before != (shipment.Status, shipment.Approved, shipment.Shipped, shipment.TrackingNumber)) changed.Add(shipment);
        }
        return changed;
    }
}
