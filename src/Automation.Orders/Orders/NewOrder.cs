using Automation.Orders.Clients;
using Automation.Orders.Shipments;

namespace Automation.Orders.Orders;

/// An order to create. Amount null means the sum of the items; Status is the first status of the pipeline.
public sealed record NewOrder
{
    public required NewClient Client { get; init; }
    public required string Status { get; init; }
    public required string Currency { get; init; }
    public IReadOnlyList<OrderItem> Items { get; init; } = [];
    public decimal? Amount { get; init; }
    public long? ResponsibleId { get; init; }
    public IReadOnlyDictionary<string, string?>? Fields { get; init; }
    public IReadOnlyList<NewShipment> Shipments { get; init; } = [];
}

/// The result of moving an order: Changed is false when it already was in that status.
public sealed record StatusChange(Order Order, string? From, string To, bool Changed);

/// How SetFields writes a value: replace it, or add it to the field's JSON array of values.
public enum FieldWriteMode { Overwrite, Append }
