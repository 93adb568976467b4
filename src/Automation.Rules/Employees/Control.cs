using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Control: a notification from the order's responsible to their head (Bitrix24 "Control"), or to chosen employees,
/// so that someone keeps an eye on the order.
[Activity("Automation", "Control", Category = "Employees", DisplayName = "Control", Description = "Notifies the responsible's head about the order.")]
public sealed class Control : RuleActivity
{
    [Input(Description = "The message.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Message { get; init; } = new("");

    [Input(Description = "Send it to the head of the order's responsible.")]
    public Input<bool> ToManager { get; init; } = new(true);

    [Input(Description = "Also (or instead) send it to these employees.", UIHint = UIHints.CheckList, OptionsProvider = "Employees")]
    public Input<long[]> Recipients { get; init; } = new([]);

    [Output(Description = "The notifications sent, one per recipient.")] public Output<long[]> NotificationIds { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var recipients = await rule.People.RecipientsAsync(rule.Order, rule.Get(Recipients), rule.Get(ToManager), rule.CancellationToken);
        var sent = await rule.Notifications.SendAsync(recipients, rule.Get(Message), rule.Order.Id, rule.Order.ResponsibleId, rule.CancellationToken);
        rule.Set(NotificationIds, [.. sent.Select(n => n.Id)]);
    }
}
