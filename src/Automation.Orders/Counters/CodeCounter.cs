namespace Automation.Orders.Counters;

/// A named sequence: order numbers, and the counters of the "Generate code" rule.
public sealed class CodeCounter
{
    public required string Name { get; set; }
    public long Value { get; set; }
}
