using Automation.Channels;
using Automation.Channels.Outbox;
using Automation.Channels.Sms;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Clients;

/// SMS to client: sends a text (at most 200 characters once the order's fields are filled in) to the client's phone
/// through the configured SMS provider (Twilio, an HTTP gateway, or the log).
[Activity("Automation", "SendSms", Category = "Clients", DisplayName = "Send SMS to client", Description = "Sends an SMS to the order's client.")]
public sealed class SendSms : RuleActivity
{
    [Input(Description = "The sender (number or name) the provider sends from; empty = the provider's configured one, auto = the one used last.")]
    public Input<string> From { get; init; } = new("");

    [Input(Description = "The message, at most 200 characters; may use {{ Order.Number }} and the other order fields.",
        UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Text { get; init; } = new("");

    [Input(Description = "Which of the client's phones: auto (the first one), mobile, work, home or other.",
        Options = ["auto", "mobile", "work", "home", "other"])]
    public Input<string> PhoneType { get; init; } = new("auto");

    [Output(Description = "The outbox message's id.")] public Output<long> MessageId { get; init; } = new();
    [Output(Description = "The number it went to.")] public Output<string> To { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var client = await ClientMessages.ClientAsync(rule);
        if (ClientMessages.PhoneOf(rule, client, rule.Get(PhoneType)) is not { } phone) return;
        try
        {
            var message = SmsMessages.Create(ClientMessages.KeyOf(rule, "sms"), phone, rule.Get(Text).Trim(), rule.Order.Id,
                rule.Get(From) is { Length: > 0 } from ? from.Trim() : null);
            var accepted = await rule.Service<MessageOutbox>().EnqueueAsync(ClientMessages.Outbox(rule), message, rule.CancellationToken);
            ClientMessages.Queued(rule, accepted, $"SMS to {message.Recipient} queued");
            rule.Set(MessageId, accepted.Message.Id);
            rule.Set(To, message.Recipient);
        }
        catch (ChannelValidationException error)
        {
            ClientMessages.Refused(rule, "SMS", error);
        }
    }
}
