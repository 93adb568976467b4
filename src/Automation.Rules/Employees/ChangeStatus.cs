using Automation.Rules.Pipeline;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Change status: moves the order to another status; the rest of this status's rules stop (its instance is cancelled).
[Activity("Automation", "ChangeStatus", Category = "Order", DisplayName = "Change status", Description = "Moves the order to another status.")]
public sealed class ChangeStatus : RuleActivity
{
    [Input(Description = "The status code to move the order to.", Required = true, OptionsProvider = "OrderStatuses")]
    public Input<string> Status { get; init; } = new("");

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var move = await rule.Service<OrderPipeline>().EnterStatusAsync(rule.Work, rule.Order.Id, rule.Get(Status),
            StatusCause.Rule(rule.Activity.Instance.Id, rule.Title), rule.CancellationToken);
        rule.Activity.Journal("move", System.Text.Json.JsonSerializer.SerializeToNode(move));
    }
}
