using System.Globalization;
using Automation.Orders.Documents;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Create CRM document: makes a document for the order from a template (HTML, or a Word .docx, with `{{ Order.… }}` and
/// `{{ Document.Number }}`), numbered by the template's numerator, as HTML, as a PDF printed from the HTML by headless
/// Chromium, or as the filled DOCX; optionally with a public link; raises "document.created". The PDF is printed after
/// the step commits; with "wait for PDF conversion" the rules after this one wait until it is ready (a failed print
/// fails the rule).
[Activity("Automation", "CreateDocument", Category = "Documents", DisplayName = "Create CRM document", Description = "Creates a document from a template.")]
public sealed class CreateDocument : RuleActivity
{
    public const string PublicPath = "/public/documents/";

    [Input(Description = "The document template.", OptionsProvider = "DocumentTemplates", Required = true)]
    public Input<long> Template { get; init; } = new(0);

    [Input(Description = "What to make: Html, Pdf (printed from an HTML template) or Docx (a Word template filled in).")]
    public Input<DocumentOutput> Output { get; init; } = new(DocumentOutput.Html);

    [Input(Description = "The rules after this one wait until the PDF is ready, so that they can use it (e.g. attach it to an email).")]
    public Input<bool> WaitForPdf { get; init; } = new(true);

    [Input(Description = "Create a public link anyone with it can open.")]
    public Input<bool> PublicLink { get; init; } = new(false);

    [Output(Description = "The document's id.")] public Output<long> DocumentId { get; init; } = new();
    [Output(Description = "The number the numerator gave it.")] public Output<string> DocumentNumber { get; init; } = new();
    [Output(Description = "Where employees open it: /api/documents/{id}.")] public Output<string> DocumentUrl { get; init; } = new();
    [Output(Description = "The public link (/public/documents/{token}), if asked for.")] public Output<string?> PublicUrl { get; init; } = new();
    [Output(Description = "The PDF file (/api/documents/{id}/pdf); Send email attaches it.")] public Output<string?> DocumentPdf { get; init; } = new();
    [Output(Description = "The DOCX file (/api/documents/{id}/docx); Send email attaches it.")] public Output<string?> DocumentDocx { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var output = rule.Get(Output);
        var (document, file) = await rule.Documents.CreateAsync(
            new NewCrmDocument(rule.Order.Id, rule.Get(Template)) { Output = output, PublicLink = rule.Get(PublicLink) },
            (text, number, html) =>
            {
                rule.Activity.Expressions["Document"] = new Dictionary<string, object?> { ["Number"] = number };
                return rule.RenderAsync(text, html);
            }, rule.CancellationToken);
        rule.Set(DocumentId, document.Id);
        rule.Set(DocumentNumber, document.Number);
        rule.Set(DocumentUrl, "/api/documents/" + document.Id.ToString(CultureInfo.InvariantCulture));
        rule.Set(PublicUrl, document.PublicToken is { } token ? PublicPath + token : null);
        rule.Set(DocumentDocx, file is { Format: DocumentOutput.Docx } ? DocumentFile.Url(document.Id, DocumentOutput.Docx) : null);
        rule.Set(DocumentPdf, file is { Format: DocumentOutput.Pdf } ? DocumentFile.Url(document.Id, DocumentOutput.Pdf) : null);
        if (file is not { Format: DocumentOutput.Pdf }) return;
        // The printer starts once the step has committed the document (it reads it from the database).
        if (rule.Activity.Services.GetService(typeof(IPdfPrinterQueue)) is IPdfPrinterQueue printer)
            rule.Work.AfterCommit(_ =>
            {
                printer.Wake();
                return Task.CompletedTask;
            });
        if (!rule.Get(WaitForPdf)) return;
        rule.Activity.State["documentId"] = document.Id;
        rule.WaitFor(DocumentFile.WaitKey(document.Id, DocumentOutput.Pdf));
    }

    /// The PDF was printed or could not be: a failure fails the rule, naming why (e.g. Chromium is missing).
    protected override async ValueTask ResumedAsync(RuleContext rule)
    {
        var documentId = (long)rule.Activity.State["documentId"]!;
        var pdf = await rule.Documents.GetFileAsync(documentId, DocumentOutput.Pdf, rule.CancellationToken);
        if (pdf.Status != DocumentFileStatus.Ready)
            throw new InvalidOperationException($"The PDF of document {documentId} could not be made: {pdf.Error ?? "it is not ready"}");
    }
}
