using System.Text.Json;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Shipments;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Orders;

public sealed class ShipmentTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Shipment_update_raises_tracking_approved_shipped_and_updated_events(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        var courier = order.Shipments[0].Id;
        await using var db = store.Db();
        var book = store.Orders(db);

        await book.UpdateShipmentAsync(order.Id, courier, new ShipmentPatch(TrackingNumber: "TRK-1", Approved: true, Shipped: true), CancellationToken.None);
        await book.UpdateShipmentAsync(order.Id, courier, new ShipmentPatch(TrackingNumber: "TRK-2", Status: "in-transit"), CancellationToken.None);
        await book.UpdateShipmentAsync(order.Id, courier, new ShipmentPatch(Status: "in-transit"), CancellationToken.None);

        await using var check = store.Db();
        var events = await check.InboxEvents.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(
            [
                EventTypes.ShipmentTrackingNumberAdded, EventTypes.ShipmentApproved, EventTypes.ShipmentShipped, EventTypes.ShipmentUpdated,
                EventTypes.ShipmentUpdated,
            ],
            events.Select(e => e.Type));
        var lastChanges = JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("changes");
        Assert.Equal("""{"trackingNumber":"TRK-2","status":"in-transit"}""", lastChanges.GetRawText());
        var saved = await store.Orders(check).GetAsync(order.Id, CancellationToken.None);
        Assert.Equal(("TRK-2", "in-transit", true, true), (saved.Shipments[0].TrackingNumber, saved.Shipments[0].Status, saved.Shipments[0].Approved, saved.Shipments[0].Shipped));
        Assert.False(saved.DeliveryAllowed); // the post shipment is not approved yet
        Assert.False(saved.IsShipped);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Allow_delivery_and_ship_order_act_on_every_shipment(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var book = store.Orders(db);

        await book.AllowDeliveryAsync(order.Id, CancellationToken.None);
        await book.MarkShippedAsync(order.Id, CancellationToken.None);
        await book.MarkShippedAsync(order.Id, CancellationToken.None);

        await using var check = store.Db();
        var saved = await store.Orders(check).GetAsync(order.Id, CancellationToken.None);
        Assert.True(saved.DeliveryAllowed && saved.IsShipped);
        Assert.All(saved.Shipments, s => Assert.True(s.Approved && s.Shipped));
        Assert.Equal([EventTypes.ShipmentApproved, EventTypes.ShipmentShipped], await check.InboxEvents.OrderBy(e => e.Id).Select(e => e.Type).ToListAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Unknown_shipment_is_reported_with_the_order_number(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();

        var error = await Assert.ThrowsAsync<DomainException>(
            () => store.Orders(db).UpdateShipmentAsync(order.Id, 777, new ShipmentPatch(Shipped: true), CancellationToken.None));

        Assert.Equal(("shipment_not_found", "Order 1001 has no shipment 777."), (error.Code, error.Message));
    }
}
