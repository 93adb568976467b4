using Automation.Orders.Outbox;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// SMS to an employee: queues an SMS to the employee's phone (by default the order's responsible) in the outbox, from
/// which the SMS channel sends it.
[Activity("Automation", "SendSmsToEmployee", Category = "Employees", DisplayName = "Send SMS to employee", Description = "Sends an SMS to an employee.")]
public sealed class SendSmsToEmployee : RuleActivity
{
    [Input(Description = "The message (keep it under 200 characters).", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Text { get; init; } = new("");

    [Input(Description = "Who gets it (default: the order's responsible).", OptionsProvider = "Employees")]
    public Input<long?> Employee { get; init; } = new(null);

    [Output(Description = "The outbox message's id.")] public Output<long> MessageId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var queued = await rule.Outbox.QueueAsync(MessageChannel.Sms, rule.Get(Employee) ?? rule.People.Responsible(rule.Order), null, rule.Get(Text),
            rule.Order.Id, rule.CancellationToken);
        rule.Set(MessageId, queued.Id);
    }
}
