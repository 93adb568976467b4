using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Employee information: reads an employee's profile (by default the order's responsible) into outputs.
[Activity("Automation", "EmployeeInformation", Category = "Information", DisplayName = "Employee information", Description = "Reads an employee's profile for later rules.")]
public sealed class EmployeeInformation : RuleActivity
{
    [Input(Description = "The employee (default: the order's responsible).", OptionsProvider = "Employees")]
    public Input<long?> Employee { get; init; } = new(null);

    [Output] public Output<long> EmployeeId { get; init; } = new();
    [Output] public Output<string> EmployeeName { get; init; } = new();
    [Output] public Output<string> Email { get; init; } = new();
    [Output] public Output<string?> Phone { get; init; } = new();
    [Output(Description = "Their head's id, if any.")] public Output<long?> ManagerId { get; init; } = new();
    [Output(Description = "Their head's name, if any.")] public Output<string?> ManagerName { get; init; } = new();
    [Output] public Output<bool> IsAbsent { get; init; } = new();
    [Output(Description = "False for a former employee.")] public Output<bool> IsActive { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var employee = await rule.Employees.GetAsync(rule.Get(Employee) ?? rule.People.Responsible(rule.Order), rule.CancellationToken);
        var manager = employee.ManagerId is { } managerId ? await rule.Employees.FindAsync(managerId, rule.CancellationToken) : null;
        rule.Set(EmployeeId, employee.Id);
        rule.Set(EmployeeName, employee.Name);
        rule.Set(Email, employee.Email);
        rule.Set(Phone, employee.Phone);
        rule.Set(ManagerId, manager?.Id);
        rule.Set(ManagerName, manager?.Name);
        rule.Set(IsAbsent, employee.IsAbsent);
        rule.Set(IsActive, employee.IsActive);
    }
}
