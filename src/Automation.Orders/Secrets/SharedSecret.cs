namespace Automation.Orders.Secrets;

/// A secret every node of the service must agree on (the webhook URL secret once rotated), kept in the store.
public sealed class SharedSecret
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}
