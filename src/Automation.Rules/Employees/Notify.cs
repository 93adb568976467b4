using Automation.Orders;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Control / Notification: an in-app notification about the order to an employee, by default the head of the
/// order's responsible (Bitrix24 "Control"), else the responsible.
[Activity("Automation", "Notify", Category = "Employees", DisplayName = "Control / Notification", Description = "Notifies an employee about the order.")]
public sealed class Notify : RuleActivity
{
    [Input(Description = "The message.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Message { get; init; } = new("");

    [Input(Description = "Send to the head of the order's responsible.")]
    public Input<bool> ToManager { get; init; } = new(true);

    [Input(Description = "Send to this employee instead.", OptionsProvider = "Employees")]
    public Input<long?> EmployeeId { get; init; } = new(null);

    [Output] public Output<long> NotificationId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var recipient = rule.Get(EmployeeId) ?? await DefaultRecipientAsync(rule);
        var sent = await rule.Notifications.AddAsync(recipient, rule.Get(Message), rule.Order.Id, rule.Order.ResponsibleId, rule.CancellationToken);
        rule.Set(NotificationId, sent.Id);
    }

    private async Task<long> DefaultRecipientAsync(RuleContext rule)
    {
        var responsibleId = rule.Order.ResponsibleId
            ?? throw new DomainException("no_recipient", $"Order {rule.Order.Number} has no responsible to notify; choose an employee.");
        if (!rule.Get(ToManager)) return responsibleId;
        var responsible = await rule.Employees.GetAsync(responsibleId, rule.CancellationToken);
        return responsible.ManagerId
            ?? throw new DomainException("no_recipient", $"The responsible of order {rule.Order.Number}, {responsible.Name}, has no manager; choose an employee.");
    }
}
