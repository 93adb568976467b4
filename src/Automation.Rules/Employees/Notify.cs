using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Notification: an in-app notification about the order to chosen employees (by default the order's responsible),
/// optionally also to the responsible's head, from a chosen sender or from the system.
[Activity("Automation", "Notify", Category = "Employees", DisplayName = "Notification", Description = "Notifies employees about the order.")]
public sealed class Notify : RuleActivity
{
    [Input(Description = "The message.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Message { get; init; } = new("");

    [Input(Description = "Who gets it (default: the order's responsible).", UIHint = UIHints.CheckList, OptionsProvider = "Employees")]
    public Input<long[]> Recipients { get; init; } = new([]);

    [Input(Description = "Also send it to the head of the order's responsible.")]
    public Input<bool> ToManager { get; init; } = new(false);

    [Input(Description = "Who it is from (default: the system).", OptionsProvider = "Employees")]
    public Input<long?> Sender { get; init; } = new(null);

    [Output(Description = "The notifications sent, one per recipient.")] public Output<long[]> NotificationIds { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var recipients = await rule.People.RecipientsAsync(rule.Order, rule.Get(Recipients), rule.Get(ToManager), rule.CancellationToken);
        var sent = await rule.Notifications.SendAsync(recipients, rule.Get(Message), rule.Order.Id, rule.Get(Sender), rule.CancellationToken);
        rule.Set(NotificationIds, [.. sent.Select(n => n.Id)]);
    }
}
