namespace Automation.Reliability.Tests.Support;

/// The pipeline the load runs through; every stage sends messages, one waits on a timer, each is entered by a
/// different kind of traffic: new (order created: email + SMS), paid (payment: a 1-second timer, then an email),
/// shipped (webhook `code=shipped`: SMS), answered (the client's reply into the mail listener: email).
public static class LoadWorkflows
{
    /// What each status sends, as the sink and gateway see it ("{0}" is the order number).
    public static readonly IReadOnlyList<(string Status, string Channel, string Text)> Messages =
    [
        ("new", "email", "Order {0} received"),
        ("new", "sms", "Order {0} received"),
        ("paid", "email", "Order {0} packed"),
        ("shipped", "sms", "Order {0} shipped"),
        ("answered", "email", "Order {0}: thanks for your reply"),
    ];

    public static readonly string[] Statuses = ["new", "paid", "shipped", "answered"];

    /// The rules each status runs, once per entry.
    public static readonly IReadOnlyDictionary<string, int> RulesPerStatus = new Dictionary<string, int>
    {
        ["new"] = 2,
        ["paid"] = 1,
        ["shipped"] = 1,
        ["answered"] = 1,
    };

    public static IReadOnlyDictionary<string, string> Files() => new Dictionary<string, string>
    {
        ["new"] = new StatusFlow("new", 100)
            .Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }} received", body = "<p>We have your order {{ Order.Number }}.</p>" })
            .Add("sms", "Automation.SendSms", new { text = "Order {{ Order.Number }} received" })
            .Connect("start->mail", "start->sms"),
        ["paid"] = new StatusFlow("paid", 200)
            .Add("payment", "Automation.PaymentTrigger")
            .Add("pack", "Elsa.Delay", new { timeSpan = "00:00:01" })
            .Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }} packed", body = "<p>Packed.</p>" })
            .Connect("start->pack", "pack->mail"),
        ["shipped"] = new StatusFlow("shipped", 300)
            .Add("hook", "Automation.WebhookTrigger", new { code = "shipped" })
            .Add("sms", "Automation.SendSms", new { text = "Order {{ Order.Number }} shipped" })
            .Connect("start->sms"),
        ["answered"] = new StatusFlow("answered", 400, "success")
            .Add("reply", "Automation.IncomingEmailTrigger")
            .Add("mail", "Automation.SendEmail", new { subject = "Order {{ Order.Number }}: thanks for your reply", body = "<p>Thanks.</p>" })
            .Connect("start->mail"),
    };
}
