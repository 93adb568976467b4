using Automation.Orders;
using Automation.Rules.Pipeline;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Delete CRM record: deletes the order, with its timeline, and stops its rules; a paid order is kept and the rule
/// records why it did nothing.
[Activity("Automation", "DeleteOrder", Category = "Order", DisplayName = "Delete CRM record", Description = "Deletes the order unless it is paid.")]
public sealed class DeleteOrder : RuleActivity
{
    protected override async ValueTask RunAsync(RuleContext rule)
    {
        try
        {
            await rule.Service<OrderPipeline>().DeleteOrderAsync(rule.Work, rule.Order.Id,
                StatusCause.Rule(rule.Activity.Instance.Id, rule.Title), rule.CancellationToken);
            rule.Activity.Journal("deleted", $"order {rule.Order.Number}");
        }
        catch (DomainException paid) when (paid.Code == "order_paid")
        {
            rule.NothingToDo(paid.Message);
        }
    }
}
