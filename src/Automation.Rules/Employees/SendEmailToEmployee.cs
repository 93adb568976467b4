using Automation.Orders.Outbox;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Email to an employee: queues an email to the employee (by default the order's responsible) in the outbox, from
/// which the mail channel sends it.
[Activity("Automation", "SendEmailToEmployee", Category = "Employees", DisplayName = "Send email to employee", Description = "Sends an email to an employee.")]
public sealed class SendEmailToEmployee : RuleActivity
{
    [Input(Description = "The subject.", Required = true)]
    public Input<string> Subject { get; init; } = new("");

    [Input(Description = "The message.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Text { get; init; } = new("");

    [Input(Description = "Who gets it (default: the order's responsible).", OptionsProvider = "Employees")]
    public Input<long?> Employee { get; init; } = new(null);

    [Output(Description = "The outbox message's id.")] public Output<long> MessageId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var queued = await rule.Outbox.QueueAsync(MessageChannel.Email, rule.Get(Employee) ?? rule.People.Responsible(rule.Order), rule.Get(Subject),
            rule.Get(Text), rule.Order.Id, rule.CancellationToken);
        rule.Set(MessageId, queued.Id);
    }
}
