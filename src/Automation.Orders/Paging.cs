namespace Automation.Orders;

/// Which slice of a list to return; lists are always in a stable order, so offsets do not skip or repeat rows.
public sealed record PageRequest(int Offset = 0, int Limit = 50)
{
    public const int MaxLimit = 500;

    internal void Validate()
    {
        if (Offset < 0) throw DomainException.Invalid("offset", "must not be negative");
        if (Limit is < 1 or > MaxLimit) throw DomainException.Invalid("limit", $"must be between 1 and {MaxLimit}");
    }
}

/// One slice of a list and the size of the whole list.
public sealed record Page<T>(IReadOnlyList<T> Items, int Offset, int Limit, int Total);
