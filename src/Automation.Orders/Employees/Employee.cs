namespace Automation.Orders.Employees;

/// A store employee: the responsible of orders, the recipient of tasks and notifications.
public sealed class Employee
{
    public long Id { get; set; }
    public required string Name { get; set; }
    /// Unique, stored trimmed and in lower case.
    public required string Email { get; set; }
    public string? Phone { get; set; }
    public long? ManagerId { get; set; }
    public bool IsAbsent { get; set; }
    public bool IsActive { get; set; } = true;
}

/// An employee to create or seed; ManagerEmail links the manager when seeding a whole staff list.
public sealed record NewEmployee(string Name, string Email, string? Phone = null, long? ManagerId = null, string? ManagerEmail = null);

/// Changes to an employee; a null member leaves that field as it is.
public sealed record EmployeePatch(string? Name = null, string? Email = null, string? Phone = null, long? ManagerId = null, bool? IsAbsent = null, bool? IsActive = null);
