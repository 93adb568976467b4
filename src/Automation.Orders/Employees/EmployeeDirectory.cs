using Automation.Orders.Clients;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Employees;

/// The store's staff: who can be responsible for an order, who their manager is, who is away.
public sealed class EmployeeDirectory(StoreDb db)
{
    public async Task<Employee> CreateAsync(NewEmployee employee, CancellationToken cancellationToken)
    {
        var email = ValidEmail(employee.Email);
        if (await db.Employees.AnyAsync(e => e.Email == email, cancellationToken)) throw EmailTaken(email);
        if (employee.ManagerId is { } managerId) await GetAsync(managerId, cancellationToken);
        var created = new Employee { Name = ValidName(employee.Name), Email = email, Phone = employee.Phone, ManagerId = employee.ManagerId };
        db.Employees.Add(created);
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    public async Task<Employee> GetAsync(long employeeId, CancellationToken cancellationToken) =>
        await FindAsync(employeeId, cancellationToken) ?? throw DomainException.EmployeeNotFound(employeeId);

    public async Task<Employee?> FindAsync(long employeeId, CancellationToken cancellationToken) =>
        await db.Employees.FirstOrDefaultAsync(e => e.Id == employeeId, cancellationToken);

    public async Task<Employee?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = ContactNormalization.Email(email);
        return await db.Employees.FirstOrDefaultAsync(e => e.Email == normalized, cancellationToken);
    }

    /// Everyone, by id; inactive (former) employees only when asked for.
    public async Task<IReadOnlyList<Employee>> ListAsync(bool includeInactive, CancellationToken cancellationToken) =>
        await db.Employees.Where(e => includeInactive || e.IsActive).OrderBy(e => e.Id).ToListAsync(cancellationToken);

    public async Task<Employee> UpdateAsync(long employeeId, EmployeePatch patch, CancellationToken cancellationToken)
    {
        var employee = await GetAsync(employeeId, cancellationToken);
        if (patch.Email is { } newEmail)
        {
            var email = ValidEmail(newEmail);
            if (email != employee.Email && await db.Employees.AnyAsync(e => e.Email == email, cancellationToken)) throw EmailTaken(email);
            employee.Email = email;
        }
        if (patch.ManagerId is { } managerId)
        {
            if (managerId == employeeId) throw DomainException.Invalid("managerId", $"cannot make employee {employeeId} their own manager");
            await GetAsync(managerId, cancellationToken);
            employee.ManagerId = managerId;
        }
        if (patch.Name is { } name) employee.Name = ValidName(name);
        if (patch.Phone is { } phone) employee.Phone = phone.Length == 0 ? null : phone;
        if (patch.IsAbsent is { } absent) employee.IsAbsent = absent;
        if (patch.IsActive is { } active) employee.IsActive = active;
        await db.SaveChangesAsync(cancellationToken);
        return employee;
    }

    /// Removes the employee with their notifications; their reports lose their manager.
    public async Task DeleteAsync(long employeeId, CancellationToken cancellationToken)
    {
        var employee = await GetAsync(employeeId, cancellationToken);
        await foreach (var report in db.Employees.Where(e => e.ManagerId == employeeId).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            report.ManagerId = null;
        }
        db.Employees.Remove(employee);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// Creates the employees not there yet (matched by email) and links managers by ManagerEmail; running it
    /// again with the same list changes nothing.
    public async Task<IReadOnlyList<Employee>> SeedAsync(IEnumerable<NewEmployee> staff, CancellationToken cancellationToken)
    {
        var list = staff.ToList();
        var seeded = new List<Employee>();
        foreach (var member in list)
        {
            var email = ValidEmail(member.Email);
            var existing = await db.Employees.FirstOrDefaultAsync(e => e.Email == email, cancellationToken)
                ?? db.Employees.Local.FirstOrDefault(e => e.Email == email);
            if (existing is null)
            {
                existing = new Employee { Name = ValidName(member.Name), Email = email, Phone = member.Phone, ManagerId = member.ManagerId };
                db.Employees.Add(existing);
            }
            seeded.Add(existing);
        }
        await db.SaveChangesAsync(cancellationToken);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].ManagerEmail is not { } managerEmail || seeded[i].ManagerId is not null) continue;
            var manager = await FindByEmailAsync(managerEmail, cancellationToken)
                ?? throw DomainException.Invalid("managerEmail", $"'{managerEmail}' of {list[i].Email} is not an employee");
            seeded[i].ManagerId = manager.Id;
        }
        await db.SaveChangesAsync(cancellationToken);
        return seeded;
    }

    /// The employee's head, or null if they have none.
    public async Task<Employee?> GetManagerAsync(long employeeId, CancellationToken cancellationToken)
    {
        var employee = await GetAsync(employeeId, cancellationToken);
        return employee.ManagerId is { } managerId ? await FindAsync(managerId, cancellationToken) : null;
    }

    private static string ValidEmail(string email)
    {
        var normalized = ContactNormalization.Email(email);
        return normalized.Contains('@', StringComparison.Ordinal) ? normalized : throw DomainException.Invalid("email", $"'{email}' is not an email address");
    }

    private static string ValidName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw DomainException.Invalid("name", "must not be empty") : name.Trim();

    private static DomainException EmailTaken(string email) =>
        new("employee_email_taken", $"Another employee already has the email '{email}'.");
}
