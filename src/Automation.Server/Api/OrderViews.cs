using System.Text.Json.Nodes;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Shipments;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;

namespace Automation.Server.Api;

/// An order as the API shows it.
public sealed record OrderView(
    long Id, string Number, string Status, long? ResponsibleId, ClientView? Client, IReadOnlyList<OrderItem> Items,
    decimal Amount, string Currency, bool IsPaid, bool IsShipped, bool IsCanceled, string? CancelReason, bool DeliveryAllowed,
    IReadOnlyList<ShipmentView> Shipments, IReadOnlyList<PaymentView> Payments, IReadOnlyDictionary<string, string?> Fields,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset StatusChangedAt)
{
    /// An order read from the database: its times are as stored already.
    public static OrderView Of(Order o, Client? client) => Of(o, client, static t => t);

    /// An order as a unit of work left it: its times as the database stores them.
    public static OrderView Of(OrderAsLeft left, Client? client) => Of(left.Order, client, left.AsStored);

    private static OrderView Of(Order o, Client? client, Func<DateTimeOffset, DateTimeOffset> time) => new(
        o.Id, o.Number, o.Status, o.ResponsibleId, client is null ? null : ClientView.Of(client), o.Items, o.Amount, o.Currency,
        o.IsPaid, o.IsShipped, o.IsCanceled, o.CancelReason, o.DeliveryAllowed,
        o.Shipments.OrderBy(s => s.Id).Select(s => ShipmentView.Of(s, time)).ToList(),
        o.Payments.OrderBy(p => p.Id).Select(p => PaymentView.Of(p, time)).ToList(),
        o.Fields, time(o.CreatedAt), time(o.UpdatedAt), time(o.StatusChangedAt));
}

public sealed record ClientView(long Id, string Kind, string Name, IReadOnlyList<ContactView> Emails, IReadOnlyList<ContactView> Phones, string? VisitorId)
{
    public static ClientView Of(Client c) => new(c.Id, c.Kind.ToString(), c.Name,
        c.Emails.OrderBy(e => e.Id).Select(e => new ContactView(e.Value, e.Type.ToString())).ToList(),
        c.Phones.OrderBy(p => p.Id).Select(p => new ContactView(p.Value, p.Type.ToString())).ToList(), c.VisitorId);
}

public sealed record ContactView(string Value, string Type);

public sealed record ShipmentView(long Id, string DeliveryService, string? TrackingNumber, string Status, bool Approved, bool Shipped, DateTimeOffset UpdatedAt)
{
    public static ShipmentView Of(Shipment s) => Of(s, static t => t);

    public static ShipmentView Of(Shipment s, Func<DateTimeOffset, DateTimeOffset> time) =>
        new(s.Id, s.DeliveryService, s.TrackingNumber, s.Status, s.Approved, s.Shipped, time(s.UpdatedAt));
}

public sealed record PaymentView(long Id, decimal Amount, string Currency, bool Paid, string? PaySystem, string? ExternalId, DateTimeOffset CreatedAt)
{
    public static PaymentView Of(Payment p) => Of(p, static t => t);

    public static PaymentView Of(Payment p, Func<DateTimeOffset, DateTimeOffset> time) =>
        new(p.Id, p.Amount, p.Currency, p.Paid, p.PaySystem, p.ExternalId, time(p.CreatedAt));
}

public sealed record TimelineView(long Id, DateTimeOffset At, string Kind, string Text, string? Author, JsonNode? Data)
{
    public static TimelineView Of(TimelineEntry e) => new(e.Id, e.At, e.Kind.ToString(), e.Text, e.Author, JsonNode.Parse(e.Data));
}

/// What an event that named only the client did to one of the client's open orders.
public sealed record OrderOutcomeView(long OrderId, bool Moved, string? From, string? To, string Reason);

/// What processing an event did, as the API reports it.
public sealed record EventOutcomeView(long EventId, bool Moved, string? From, string? To, string Reason, int ResumedWaits, IReadOnlyList<OrderOutcomeView> Orders)
{
    public static EventOutcomeView Of(EventOutcome o) => new(o.EventId, o.Moved, o.From, o.To, o.Reason, o.ResumedWaits,
        o.Orders.Select(x => new OrderOutcomeView(x.OrderId ?? 0, x.Moved, x.From, x.To, x.Reason)).ToList());
}
