namespace Automation.Orders.Payments;

/// Money received (or expected) for an order.
public sealed class Payment
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public decimal Amount { get; set; }
    public required string Currency { get; set; }
    public bool Paid { get; set; }
    public string? PaySystem { get; set; }
    /// The payment system's own id of the payment.
    public string? ExternalId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// A payment to record; Currency null means the order's currency.
public sealed record NewPayment(decimal Amount, string? Currency = null, string? PaySystem = null, string? ExternalId = null, bool Paid = true);
