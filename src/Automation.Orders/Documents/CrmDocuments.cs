using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Automation.Orders.Counters;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Documents;

/// Document templates and the documents made from them for orders: numbered by the template's numerator, stored as
/// HTML, optionally reachable by a public link. Making one raises "document.created".
public sealed partial class CrmDocuments(StoreDb db, TimeProvider clock)
{
    private readonly CodeCounters counters = new(db);
    private readonly OrderTimeline timeline = new(db, clock);
    private readonly EventInbox inbox = new(db, clock);

    public async Task<DocumentTemplate> CreateTemplateAsync(NewDocumentTemplate request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw DomainException.Invalid("name", "must not be empty");
        if (string.IsNullOrWhiteSpace(request.Body)) throw DomainException.Invalid("body", "must not be empty");
        var format = string.IsNullOrWhiteSpace(request.NumberFormat) ? "{n}" : request.NumberFormat.Trim();
        if (!Numerator().IsMatch(format)) throw DomainException.Invalid("numberFormat", $"'{format}' has no {{n}} for the document's number");
        var template = new DocumentTemplate { Name = request.Name.Trim(), Body = request.Body, NumberFormat = format, CreatedAt = clock.GetUtcNow() };
        db.DocumentTemplates.Add(template);
        await db.SaveChangesAsync(cancellationToken);
        return template;
    }

    public async Task<DocumentTemplate> GetTemplateAsync(long templateId, CancellationToken cancellationToken) =>
        await db.DocumentTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == templateId, cancellationToken)
        ?? throw new DomainException("template_not_found", $"Document template {templateId} does not exist.");

    public async Task<IReadOnlyList<DocumentTemplate>> ListTemplatesAsync(CancellationToken cancellationToken) =>
        await db.DocumentTemplates.AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken);

    /// Makes the document: the next number of the template, the body rendered by <paramref name="render"/> (body,
    /// number → HTML; it fills in the order's fields), a public link token when asked for.
    public async Task<CrmDocument> CreateAsync(long orderId, long templateId, Func<string, string, Task<string>> render, bool publicLink,
        CancellationToken cancellationToken)
    {
        var template = await GetTemplateAsync(templateId, cancellationToken);
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
        var next = await counters.NextAsync($"document:{templateId}", cancellationToken);
        var number = FormatNumber(template.NumberFormat, next, clock.GetUtcNow());
        var document = new CrmDocument
        {
            OrderId = orderId,
            TemplateId = templateId,
            Number = number,
            Title = $"{template.Name} {number}",
            Html = await render(template.Body, number),
            PublicToken = publicLink ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : null,
            CreatedAt = clock.GetUtcNow(),
        };
        db.CrmDocuments.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        timeline.Add(TimelineKind.Log, orderId, $"Document '{document.Title}' created", null, new { documentId = document.Id, number, templateId });
        inbox.Raise(EventTypes.DocumentCreated, orderId, new { documentId = document.Id, number, templateId });
        await db.SaveChangesAsync(cancellationToken);
        return document;
    }

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
