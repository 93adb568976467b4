using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Automation.Orders.Counters;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Documents;

/// Document templates (HTML or Word) and the documents made from them for orders: numbered by the template's numerator,
/// stored as HTML and, for PDF and DOCX output, with their file; optionally reachable by a public link. Making one raises
/// "document.created"; a PDF is printed after the step commits (DocumentPdfs) and raises "document.converted".
public sealed partial class CrmDocuments(StoreDb db, TimeProvider clock)
{
    private readonly CodeCounters counters = new(db);
    private readonly OrderTimeline timeline = new(db, clock);
    private readonly EventInbox inbox = new(db, clock);

    public async Task<DocumentTemplate> CreateTemplateAsync(NewDocumentTemplate request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw DomainException.Invalid("name", "must not be empty");
        if (string.IsNullOrWhiteSpace(request.Body)) throw DomainException.Invalid("body", "must not be empty");
        var format = NumberFormatOf(request.NumberFormat);
        var template = new DocumentTemplate { Name = request.Name.Trim(), Body = request.Body, NumberFormat = format, CreatedAt = clock.GetUtcNow() };
        db.DocumentTemplates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return template;
    }

    /// A Word template: refused (naming the file) unless the bytes are a .docx.
    public async Task<DocumentTemplate> CreateDocxTemplateAsync(NewDocxTemplate request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw DomainException.Invalid("name", "must not be empty");
        if (request.File.Length == 0) throw DomainException.Invalid("file", $"'{request.FileName}' is empty");
        var format = NumberFormatOf(request.NumberFormat);
        DocxTemplate.Validate(request.FileName, request.File);
        var template = new DocumentTemplate
        {
            Name = request.Name.Trim(),
            Kind = DocumentTemplateKind.Docx,
            Body = "",
            FileName = Path.GetFileName(request.FileName),
            File = request.File,
            NumberFormat = format,
            CreatedAt = clock.GetUtcNow(),
        };
        db.DocumentTemplates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return template;
    }

    public async Task<DocumentTemplate> GetTemplateAsync(long templateId, CancellationToken cancellationToken) =>
        await db.DocumentTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken)
        ?? throw new DomainException("template_not_found", $"Document template {templateId} does not exist.");

    private static string NumberFormatOf(string? requested)
    {
        var format = string.IsNullOrWhiteSpace(requested) ? "{n}" : requested.Trim();
        if (!Numerator().IsMatch(format)) throw DomainException.Invalid("numberFormat", $"'{format}' has no {{n}} for the document's number");
        return format;
    }

    public async Task<IReadOnlyList<DocumentTemplate>> ListTemplatesAsync(CancellationToken cancellationToken) =>
        await db.DocumentTemplates.AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken);

    /// Makes the document: the next number of the template, its text filled by <paramref name="render"/>, its file
    /// (the filled DOCX, or a PDF to print, Pending), a public link token when asked for. HTML and PDF need an HTML
    /// template, DOCX a Word template.
    public async Task<(CrmDocument Document, DocumentFile? File)> CreateAsync(NewCrmDocument request, DocumentTextRenderer render,
        CancellationToken cancellationToken)
    {
        var template = await GetTemplateAsync(request.TemplateId, cancellationToken);
        CheckOutput(template, request.Output);
        if (!await db.Orders.AnyAsync(o => o.Id == request.OrderId, cancellationToken)) throw DomainException.OrderNotFound(request.OrderId);
        var next = await counters.NextWithoutGapsAsync($"document:{template.Id}", cancellationToken);
        var number = FormatNumber(template.NumberFormat, next, clock.GetUtcNow());
        var title = $"{template.Name} {number}";
        var (html, file) = template.Kind == DocumentTemplateKind.Docx
            ? await FillDocxAsync(template, title, text => render(text, number, false))
            : (await render(template.Body, number, true), request.Output == DocumentOutput.Pdf ? NewFile(DocumentOutput.Pdf, title, null) : null);
        var document = new CrmDocument
        {
            OrderId = request.OrderId,
            TemplateId = template.Id,
            Number = number,
            Title = title,
            Html = html,
            Output = request.Output,
            PublicToken = request.PublicLink ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.CrmDocuments.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        if (file is not null)
        {
            file.DocumentId = document.Id;
            db.DocumentFiles.Add(file);
        }
        var data = new { documentId = document.Id, number, templateId = template.Id, output = request.Output.ToString() };
        timeline.Add(TimelineKind.Log, request.OrderId, $"Document '{document.Title}' created", null, data);
        inbox.Raise(EventTypes.DocumentCreated, request.OrderId, data);
        await db.SaveChangesAsync(cancellationToken);
        return (document, file);
    }

    private static void CheckOutput(DocumentTemplate template, DocumentOutput output)
    {
        if (!Enum.IsDefined(output)) throw DomainException.Invalid("output", "must be Html, Pdf or Docx");
        if (template.Kind == DocumentTemplateKind.Docx && output != DocumentOutput.Docx)
            throw DomainException.Invalid("output", $"is {output}, but template '{template.Name}' is a Word template: its documents are DOCX");
        if (template.Kind == DocumentTemplateKind.Html && output == DocumentOutput.Docx)
            throw DomainException.Invalid("output", $"is Docx, but template '{template.Name}' is HTML: upload a .docx template for DOCX documents");
    }

    private async Task<(string Html, DocumentFile File)> FillDocxAsync(DocumentTemplate template, string title, Func<string, Task<string>> render)
    {
        var (docx, html) = await DocxTemplate.FillAsync(template.File ?? [], render);
        return (html, NewFile(DocumentOutput.Docx, title, docx));
    }

    private DocumentFile NewFile(DocumentOutput format, string title, byte[]? content) => new()
    {
        Format = format,
        FileName = FileNameOf(title) + (format == DocumentOutput.Pdf ? ".pdf" : ".docx"),
        ContentType = format == DocumentOutput.Pdf ? DocumentFile.PdfContentType : DocxTemplate.ContentType,
        Content = content,
        Status = content is null ? DocumentFileStatus.Pending : DocumentFileStatus.Ready,
        CreatedAt = clock.GetUtcNow(),
        ReadyAt = content is null ? null : clock.GetUtcNow(),
    };

    /// A title as a file name: characters no file system accepts become `_`.
    public static string FileNameOf(string title)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return new string(title.Select(c => invalid.Contains(c) ? '_' : c).ToArray()).Trim();
    }

    /// The document's PDF or DOCX; refused naming the document when it has no such file.
    public async Task<DocumentFile> GetFileAsync(long documentId, DocumentOutput format, CancellationToken cancellationToken) =>
        await db.DocumentFiles.AsNoTracking().FirstOrDefaultAsync(f => f.DocumentId == documentId && f.Format == format, cancellationToken)
        ?? throw new DomainException("document_file_not_found", $"Document {documentId} has no {format.ToString().ToUpperInvariant()} file.");

    /// The files of the documents, without their content (what lists show).
    public async Task<ILookup<long, DocumentFile>> FilesOfAsync(IReadOnlyCollection<long> documentIds, CancellationToken cancellationToken) =>
        (await db.DocumentFiles.AsNoTracking().Where(f => documentIds.Contains(f.DocumentId))
            .Select(f => new DocumentFile
            {
                Id = f.Id,
                DocumentId = f.DocumentId,
                Format = f.Format,
                FileName = f.FileName,
                ContentType = f.ContentType,
                Status = f.Status,
                Error = f.Error,
                CreatedAt = f.CreatedAt,
                ReadyAt = f.ReadyAt,
            }).ToListAsync(cancellationToken)).ToLookup(f => f.DocumentId);

    public async Task<CrmDocument> GetAsync(long documentId, CancellationToken cancellationToken) =>
        await db.CrmDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken)
        ?? throw new DomainException("document_not_found", $"Document {documentId} does not exist.");

    /// The document behind a public link, or null for an unknown token.
    public async Task<CrmDocument?> FindByTokenAsync(string token, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(token) ? null
            : await db.CrmDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.PublicToken == token, cancellationToken);

    public async Task<IReadOnlyList<CrmDocument>> ListForOrderAsync(long orderId, CancellationToken cancellationToken)
    {
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
        return await db.CrmDocuments.AsNoTracking().Where(d => d.OrderId == orderId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    /// `INV-{year}-{n:00000}` with n = 7 in 2026 → `INV-2026-00007`.
    public static string FormatNumber(string format, long n, DateTimeOffset now) => Placeholder().Replace(format, m =>
    {
        var pattern = m.Groups["format"].Success ? m.Groups["format"].Value : null;
        return m.Groups["key"].Value.ToLowerInvariant() switch
        {
            "n" => n.ToString(pattern ?? "0", CultureInfo.InvariantCulture),
            "year" => now.Year.ToString(pattern ?? "0000", CultureInfo.InvariantCulture),
            "month" => now.Month.ToString(pattern ?? "00", CultureInfo.InvariantCulture),
            "day" => now.Day.ToString(pattern ?? "00", CultureInfo.InvariantCulture),
            _ => m.Value,
        };
    });

    [GeneratedRegex(@"\{(?<key>n|year|month|day)(:(?<format>[^}]+))?\}", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{n(:[^}]+)?\}", RegexOptions.IgnoreCase)]
    private static partial Regex Numerator();
}
