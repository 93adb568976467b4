namespace Automation.Orders.Documents;

/// A document template: HTML with `{{ Order.… }}` placeholders, and how the documents made from it are numbered.
public sealed class DocumentTemplate
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Body { get; set; }
    /// The numerator: `{n}` or `{n:00000}` is the template's next number; `{year}`, `{month}`, `{day}` the date.
    public string NumberFormat { get; set; } = "{n}";
    public DateTimeOffset CreatedAt { get; set; }
}

/// A document made for an order from a template: its number, its rendered HTML, and an optional public link token.
public sealed class CrmDocument
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public long TemplateId { get; set; }
    public required string Number { get; set; }
    public required string Title { get; set; }
    public required string Html { get; set; }
    /// The secret of the document's public link (/public/documents/{token}); null when it has none.
    public string? PublicToken { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed record NewDocumentTemplate(string Name, string Body, string? NumberFormat = null);
