using Automation.Channels;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Orders.Clients;
using Automation.Orders.Timeline;
using Automation.Rules.Rules;

namespace Automation.Rules.Clients;

/// What the client rules share: the order's client and the address a message goes to, the key of the message, the
/// step's outbox (so the message commits with the step), and the sender woken once the step has committed.
internal static class ClientMessages
{
    /// The same rule in the same run is the same message: a step redone after a crash finds it instead of adding one.
    public static string KeyOf(RuleContext rule, string channel) => $"{rule.Activity.Instance.Id}:{rule.Activity.ActivityId}:{channel}";

    public static ChannelsDb Outbox(RuleContext rule) => rule.Work.Db<ChannelsDb>();

    public static async Task<Client> ClientAsync(RuleContext rule) => await rule.Clients.GetAsync(rule.Order.ClientId, rule.CancellationToken);

    /// The client's email of the type ("auto" = the first one), or null after telling why the rule does nothing.
    public static string? EmailOf(RuleContext rule, Client client, string? type) =>
        Address(rule, ClientDirectory.EmailOf(client, Blank(type)), client, "email address", type);

    /// The client's phone of the type ("auto" = the first one), or null after telling why the rule does nothing.
    public static string? PhoneOf(RuleContext rule, Client client, string? type) =>
        Address(rule, ClientDirectory.PhoneOf(client, Blank(type)), client, "phone number", type);

    /// Records the queued message on the timeline and in the run log, and wakes the sender once the step is durable.
    public static void Queued(RuleContext rule, OutboxAcceptance accepted, string text)
    {
        rule.Activity.Journal("outboxMessageId", accepted.Message.Id);
        if (!accepted.AlreadyEnqueued)
            rule.AddTimeline(TimelineKind.Message, text, rule.Title, new { outboxMessageId = accepted.Message.Id, channel = accepted.Message.Channel, to = accepted.Message.Recipient });
        var sender = rule.Service<OutboxSender>();
        rule.Work.AfterCommit(_ =>
        {
            sender.Wake();
            return Task.CompletedTask;
        });
    }

    /// A message the channel refuses (a text too long, a number that is none, no mailbox): the rule does nothing and says why.
    public static void Refused(RuleContext rule, string what, ChannelValidationException error) =>
        rule.NothingToDo($"the {what} was not sent: {error.Message.TrimEnd('.')}");

    private static string? Address(RuleContext rule, string? address, Client client, string kind, string? type)
    {
        if (address is not null) return address;
        var typed = Blank(type) is { } t && !t.Equals(ClientDirectory.AnyType, StringComparison.OrdinalIgnoreCase) ? $"{t.ToLowerInvariant()} {kind}" : kind;
        rule.NothingToDo($"the client {client.Name} has no {typed}");
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
