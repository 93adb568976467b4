namespace Automation.Orders.Employees;

/// Who a round-robin assignment (one per rule) handed an order to last.
public sealed class ResponsibleRotation
{
    public required string Key { get; set; }
    public long LastEmployeeId { get; set; }
}

/// How "Change responsible" picks among its candidates.
public enum SelectionMode
{
    /// Any available candidate except the current responsible.
    Random,
    /// The first available candidate in the given order.
    FirstAvailable,
    /// The available candidate after the one this rotation picked last, in the given order, round and round.
    RoundRobin,
}
