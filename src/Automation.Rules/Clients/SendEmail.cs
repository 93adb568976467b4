using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Channels;
using Automation.Channels.Mail;
using Automation.Orders;
using Automation.Orders.Documents;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;
using Automation.Workflows.Expressions;

namespace Automation.Rules.Clients;

/// Email to client: sends an HTML email (with a plain-text part) to the order's client from a configured mailbox, with
/// the order's fields filled in, tracked links and open pixel (they feed "Email link clicked" and "Email viewed"), a
/// Reply-To that brings replies back to the order, and documents created for the order attached.
[Activity("Automation", "SendEmail", Category = "Clients", DisplayName = "Send email to client",
    Description = "Sends an email to the order's client.")]
public sealed partial class SendEmail : RuleActivity
{
    [Input(Description = "The mailbox it goes out from (Mail:Mailboxes), or auto: the one used last.", OptionsProvider = "Mailboxes")]
    public Input<string> Mailbox { get; init; } = new(Channels.Outbox.MessageOutbox.AutoSender);

    [Input(Description = "The subject; may use {{ Order.Number }} and the other order fields.", Required = true)]
    public Input<string> Subject { get; init; } = new("");

    [Input(Description = "The message as HTML; order fields are filled in (HTML-escaped).", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Body { get; init; } = new("");

    [Input(Description = "The plain-text part; made from the HTML when empty.", UIHint = UIHints.MultiLine)]
    public Input<string> Text { get; init; } = new("");

    [Input(Description = "Which of the client's addresses: auto (the first one), work, home, mailing or other.",
        Options = ["auto", "work", "home", "mailing", "other"])]
    public Input<string> EmailType { get; init; } = new("auto");

    [Input(Description = "Documents created for this order to attach, separated by commas: ids (e.g. {{ Activities.invoice.DocumentId }}) or files ({{ Activities.invoice.DocumentPdf }}).")]
    public Input<string> Documents { get; init; } = new("");

    [Input(Description = "Rewrite links so that a click fires \"Email link clicked\".")]
    public Input<bool> TrackClicks { get; init; } = new(true);

    [Input(Description = "Add an open pixel so that reading the email fires \"Email viewed\".")]
    public Input<bool> TrackOpens { get; init; } = new(true);

    [Output(Description = "The outbox message's id.")] public Output<long> MessageId { get; init; } = new();
    [Output(Description = "The address it went to.")] public Output<string> To { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var client = await ClientMessages.ClientAsync(rule);
        if (ClientMessages.EmailOf(rule, client, rule.Get(EmailType)) is not { } to) return;
        var email = new OutgoingEmail
        {
            IdempotencyKey = ClientMessages.KeyOf(rule, "email"),
            OrderId = rule.Order.Id,
            To = to,
            ToName = client.Name,
            Mailbox = rule.Get(Mailbox) is { Length: > 0 } mailbox ? mailbox.Trim() : null,
            Subject = rule.Get(Subject).Trim(),
            Html = await HtmlBodyAsync(rule),
            Text = rule.Get(Text) is { Length: > 0 } text ? text : null,
            Attachments = await AttachmentsAsync(rule),
            TrackClicks = rule.Get(TrackClicks),
            TrackOpens = rule.Get(TrackOpens),
        };
        try
        {
            var accepted = await rule.Service<EmailOutbox>().EnqueueAsync(ClientMessages.Outbox(rule), email, rule.CancellationToken);
            ClientMessages.Queued(rule, accepted, $"Email to {to} queued: {email.Subject}");
            rule.Set(MessageId, accepted.Message.Id);
            rule.Set(To, to);
        }
        catch (ChannelValidationException error)
        {
            ClientMessages.Refused(rule, "email", error);
        }
    }

    /// A Liquid body is filled in with HTML-escaped order values, so a client named `<b>` cannot write into the email.
    private async Task<string> HtmlBodyAsync(RuleContext rule)
    {
        if (Body.Expression is not { Type: ExpressionTypes.Liquid, Value: JsonValue value } || !value.TryGetValue<string>(out var template))
            return rule.Get(Body);
        var html = await rule.RenderAsync(template, html: true);
        rule.Activity.Journal("body", html);
        return html;
    }

    /// Each part is a document id (its output: the HTML, PDF or DOCX) or a file the Create CRM document rule gave out
    /// (`/api/documents/{id}/pdf`, `/api/documents/{id}/docx`).
    private async Task<IReadOnlyList<EmailAttachment>> AttachmentsAsync(RuleContext rule)
    {
        var attachments = new List<EmailAttachment>();
        foreach (var part in rule.Get(Documents).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            var (documentId, format) = Reference(part);
            var document = await rule.Documents.GetAsync(documentId, rule.CancellationToken);
            if (document.OrderId != rule.Order.Id)
                throw DomainException.Invalid("documents", $"document {documentId} belongs to another order");
            format ??= document.Output;
            if (format == DocumentOutput.Html)
            {
                attachments.Add(new EmailAttachment(CrmDocuments.FileNameOf(document.Title) + ".html", "text/html", Encoding.UTF8.GetBytes(document.Html)));
                continue;
            }
            var file = await rule.Documents.GetFileAsync(documentId, format.Value, rule.CancellationToken);
            if (file is not { Status: DocumentFileStatus.Ready, Content: { } content })
                throw DomainException.Invalid("documents", file.Status == DocumentFileStatus.Failed
                    ? $"the {format.Value.ToString().ToUpperInvariant()} of document {documentId} could not be made: {file.Error}"
                    : $"the {format.Value.ToString().ToUpperInvariant()} of document {documentId} is not printed yet (turn on the document rule's 'Wait for PDF conversion')");
            attachments.Add(new EmailAttachment(file.FileName, file.ContentType, content));
        }
        return attachments;
    }

    private static (long DocumentId, DocumentOutput? Format) Reference(string part)
    {
        if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return (id, null);
        if (FileReference().Match(part) is { Success: true } file)
            return (long.Parse(file.Groups["id"].Value, CultureInfo.InvariantCulture), Enum.Parse<DocumentOutput>(file.Groups["format"].Value, ignoreCase: true));
        throw DomainException.Invalid("documents", $"'{part}' is neither a document id nor a document file (/api/documents/{{id}}/pdf or /docx)");
    }

    [GeneratedRegex(@"^/api/documents/(?<id>[0-9]+)/(?<format>pdf|docx)$", RegexOptions.IgnoreCase)]
    private static partial Regex FileReference();
}
