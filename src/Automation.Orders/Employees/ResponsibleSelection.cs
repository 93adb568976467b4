using System.Security.Cryptography;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Employees;

/// Picks the next responsible among candidates, skipping absent and former employees. Round-robin remembers its last
/// pick per rotation key, also when several nodes pick at once.
public sealed class ResponsibleSelection(StoreDb db)
{
    private const int MaxAttempts = 10;

    /// The chosen employee, or null with the reason when no candidate is available.
    public async Task<(Employee? Employee, string? Reason)> PickAsync(IReadOnlyList<long> candidateIds, SelectionMode mode, long? currentId,
        string rotationKey, CancellationToken cancellationToken)
    {
        if (candidateIds.Count == 0) throw DomainException.Invalid("candidates", "must name at least one employee");
        var ordered = candidateIds.Distinct().ToList();
        var found = await db.Employees.AsNoTracking().Where(e => ordered.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        if (ordered.FirstOrDefault(id => !found.ContainsKey(id)) is var missing and not 0) throw DomainException.EmployeeNotFound(missing);
        var available = ordered.Select(id => found[id]).Where(e => e.IsActive && !e.IsAbsent).ToList();
        if (mode == SelectionMode.Random) available.RemoveAll(e => e.Id == currentId);
        if (available.Count == 0)
            return (null, $"none of the employees {string.Join(", ", ordered.Select(id => found[id].Name))} is available"
                + (mode == SelectionMode.Random && currentId is not null ? " besides the current responsible" : ""));
        return mode switch
        {
            SelectionMode.Random => (available[RandomNumberGenerator.GetInt32(available.Count)], null),
            SelectionMode.FirstAvailable => (available[0], null),
            _ => (await NextInRotationAsync(rotationKey, ordered, available, cancellationToken), null),
        };
    }

    /// Takes the turn with a compare-and-set on the rotation row, retrying when another picker took it first.
    private async Task<Employee> NextInRotationAsync(string key, List<long> ordered, List<Employee> available, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(key)) throw DomainException.Invalid("rotationKey", "must not be empty");
        for (var attempt = 1; ; attempt++)
        {
            var last = await db.ResponsibleRotations.AsNoTracking().Where(r => r.Key == key).Select(r => (long?)r.LastEmployeeId)
                .FirstOrDefaultAsync(cancellationToken);
            var next = After(last, ordered, available);
            var taken = last is { } previous
                ? await db.ResponsibleRotations.Where(r => r.Key == key && r.LastEmployeeId == previous)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.LastEmployeeId, next.Id), cancellationToken)
                : await InsertAsync(key, next.Id, cancellationToken);
            if (taken == 1) return next;
            if (attempt == MaxAttempts) throw new DomainException("rotation_busy", $"The round-robin '{key}' was taken by others {MaxAttempts} times in a row; try again.");
        }
    }

    private static Employee After(long? last, List<long> ordered, List<Employee> available)
    {
        var start = last is { } id ? ordered.IndexOf(id) + 1 : 0;
        for (var i = 0; i < ordered.Count; i++)
        {
            var candidate = ordered[(start + i) % ordered.Count];
            if (available.FirstOrDefault(e => e.Id == candidate) is { } employee) return employee;
        }
        return available[0];
    }

    private async Task<int> InsertAsync(string key, long employeeId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO responsible_rotations (\"Key\", \"LastEmployeeId\") VALUES ({key}, {employeeId}) ON CONFLICT (\"Key\") DO NOTHING",
            cancellationToken);
}
