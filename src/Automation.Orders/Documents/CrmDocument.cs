using System.Text.Json.Serialization;

namespace Automation.Orders.Documents;

/// A document template: HTML with `{{ Order.… }}` placeholders, or a Word (.docx) file with the same placeholders in
/// its text; and how the documents made from it are numbered.
public sealed class DocumentTemplate
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public DocumentTemplateKind Kind { get; set; } = DocumentTemplateKind.Html;
    /// The HTML of an HTML template; empty for a Word template.
    public required string Body { get; set; }
    /// The uploaded file's name (Word templates).
    public string? FileName { get; set; }
    /// The uploaded .docx (Word templates); served by `GET /api/document-templates/{id}/file`, never in JSON.
    [JsonIgnore] public byte[]? File { get; set; }
    /// The numerator: `{n}` or `{n:00000}` is the template's next number; `{year}`, `{month}`, `{day}` the date.
    public string NumberFormat { get; set; } = "{n}";
    public DateTimeOffset CreatedAt { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<DocumentTemplateKind>))]
public enum DocumentTemplateKind { Html, Docx }

/// What the Create CRM document rule hands out: the HTML itself, a PDF printed from it, or the filled Word file.
[JsonConverter(typeof(JsonStringEnumConverter<DocumentOutput>))]
public enum DocumentOutput { Html, Pdf, Docx }

/// A document made for an order from a template: its number, its HTML (for a Word template, its text as HTML, a
/// preview), its output format, and an optional public link token. Its PDF or DOCX is a <see cref="DocumentFile"/>.
public sealed class CrmDocument
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public long TemplateId { get; set; }
    public required string Number { get; set; }
    public required string Title { get; set; }
    public required string Html { get; set; }
    public DocumentOutput Output { get; set; } = DocumentOutput.Html;
    /// The secret of the document's public link (/public/documents/{token}); null when it has none.
    public string? PublicToken { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed record NewDocumentTemplate(string Name, string Body, string? NumberFormat = null);

/// A Word template as uploaded: the file's name and bytes.
public sealed record NewDocxTemplate(string Name, string FileName, byte[] File, string? NumberFormat = null);

/// What the rule asks for: which template, which output, and whether a public link is made.
public sealed record NewCrmDocument(long OrderId, long TemplateId)
{
    public DocumentOutput Output { get; init; } = DocumentOutput.Html;
    public bool PublicLink { get; init; }
}

/// Fills a template's text for one document: (text, the document's number, whether the text is HTML) → filled text.
public delegate Task<string> DocumentTextRenderer(string text, string number, bool html);
