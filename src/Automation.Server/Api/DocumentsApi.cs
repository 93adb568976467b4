using Automation.Orders;
using Automation.Orders.Documents;
using Automation.Orders.Events;
using Automation.Rules.Employees;
using Automation.Server.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Api;

/// Document templates, the documents the Create CRM document rule makes for orders, and their public links.
public static class DocumentsApi
{
    public static RouteGroupBuilder MapDocumentsApi(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/document-templates").WithTags("Documents");
        templates.MapGet("/", ListTemplatesAsync);
        templates.MapPost("/", CreateTemplateAsync);
        templates.MapPost("/", UploadDocxTemplateAsync).DisableAntiforgery();
        templates.MapGet("/{id:long}", GetTemplateAsync);
        templates.MapGet("/{id:long}/file", GetTemplateFileAsync);
        api.MapGet("/orders/{id:long}/documents", ListForOrderAsync).WithTags("Documents");
        api.MapGet("/documents/{id:long}", GetAsync).WithTags("Documents");
        api.MapGet("/documents/{id:long}/{format}", GetFileAsync).WithTags("Documents");
        return api;
    }

    /// The public link of a document: no API key, the token is the secret.
    public static IEndpointRouteBuilder MapPublicDocuments(this IEndpointRouteBuilder app)
    {
        app.MapGet(CreateDocument.PublicPath + "{token}", PublicAsync).WithTags("Documents");
        return app;
    }

    public sealed record CreateTemplateRequest(string? Name, string? Body, string? NumberFormat);

    /// A document as employees see it; Html is left out of lists.
    public sealed record DocumentView(
        long Id, long OrderId, long TemplateId, string Number, string Title, DocumentOutput Output, string? Html, string? PublicUrl,
        IReadOnlyList<FileView> Files, DateTimeOffset CreatedAt)
    {
        public static DocumentView Of(CrmDocument d, IEnumerable<DocumentFile> files, bool withHtml) => new(d.Id, d.OrderId, d.TemplateId, d.Number,
            d.Title, d.Output, withHtml ? d.Html : null, d.PublicToken is { } token ? CreateDocument.PublicPath + token : null,
            files.Select(FileView.Of).ToList(), d.CreatedAt);
    }

    /// A document's PDF or DOCX: where to download it, and whether it is ready (a PDF is printed after the rule).
    public sealed record FileView(DocumentOutput Format, string Url, string FileName, string ContentType, DocumentFileStatus Status, string? Error)
    {
        public static FileView Of(DocumentFile f) => new(f.Format, DocumentFile.Url(f.DocumentId, f.Format), f.FileName, f.ContentType, f.Status, f.Error);
    }

    private static async Task<Ok<IReadOnlyList<DocumentTemplate>>> ListTemplatesAsync(StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new CrmDocuments(db, clock).ListTemplatesAsync(ct), ct));

    private static async Task<Created<DocumentTemplate>> CreateTemplateAsync(CreateTemplateRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name)) throw DomainException.Invalid("name", "is required");
        if (string.IsNullOrWhiteSpace(body.Body)) throw DomainException.Invalid("body", "is required (the template's HTML)");
        var template = await store.WriteAsync(db => new CrmDocuments(db, clock).CreateTemplateAsync(new NewDocumentTemplate(body.Name, body.Body, body.NumberFormat), ct), ct);
        return TypedResults.Created($"/api/document-templates/{template.Id}", template);
    }

    /// A Word template: multipart/form-data with `name`, optional `numberFormat` and `file` (the .docx).
    private static async Task<Created<DocumentTemplate>> UploadDocxTemplateAsync(IFormFile? file, [FromForm] string? name, [FromForm] string? numberFormat,
        StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (file is null) throw DomainException.Invalid("file", "is required (the .docx template, as a multipart/form-data field named 'file')");
        if (string.IsNullOrWhiteSpace(name)) throw DomainException.Invalid("name", "is required");
        using var content = new MemoryStream();
        await file.CopyToAsync(content, ct);
        var request = new NewDocxTemplate(name, file.FileName, content.ToArray(), numberFormat);
        var template = await store.WriteAsync(db => new CrmDocuments(db, clock).CreateDocxTemplateAsync(request, ct), ct);
        return TypedResults.Created($"/api/document-templates/{template.Id}", template);
    }

    private static async Task<Ok<DocumentTemplate>> GetTemplateAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new CrmDocuments(db, clock).GetTemplateAsync(id, ct), ct));

    private static async Task<FileContentHttpResult> GetTemplateFileAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        var template = await store.ReadAsync(db => new CrmDocuments(db, clock).GetTemplateAsync(id, ct), ct);
        if (template is not { Kind: DocumentTemplateKind.Docx, File: { } file })
            throw new DomainException("template_file_not_found", $"Document template {id} is HTML; it has no file (its HTML is in 'body').");
        return TypedResults.File(file, DocxTemplate.ContentType, template.FileName);
    }

    private static async Task<Ok<List<DocumentView>>> ListForOrderAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var documents = new CrmDocuments(db, clock);
            var list = await documents.ListForOrderAsync(id, ct);
            var files = await documents.FilesOfAsync([.. list.Select(d => d.Id)], ct);
            return list.Select(d => DocumentView.Of(d, files[d.Id], withHtml: false)).ToList();
        }, ct));

    private static async Task<Ok<DocumentView>> GetAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var documents = new CrmDocuments(db, clock);
            var document = await documents.GetAsync(id, ct);
            return DocumentView.Of(document, (await documents.FilesOfAsync([id], ct))[id], withHtml: true);
        }, ct));

    /// `html`, `pdf` or `docx`: the document's HTML or file, with its content type.
    private static async Task<IResult> GetFileAsync(long id, string format, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (!Enum.TryParse<DocumentOutput>(format, ignoreCase: true, out var output) || !Enum.IsDefined(output) || int.TryParse(format, out _))
            throw DomainException.Invalid("format", $"'{format}' is not one of html, pdf, docx");
        return await store.ReadAsync(async db =>
        {
            var documents = new CrmDocuments(db, clock);
            var document = await documents.GetAsync(id, ct);
            return output == DocumentOutput.Html ? TypedResults.Content(document.Html, "text/html; charset=utf-8") : FileResult(await documents.GetFileAsync(id, output, ct));
        }, ct);
    }

    /// A ready file, or a problem saying it is still being printed (503, retry) or why it could not be made (409).
    private static IResult FileResult(DocumentFile file, bool download = true) => file switch
    {
        { Status: DocumentFileStatus.Ready, Content: { } content } => TypedResults.File(content, file.ContentType, download ? file.FileName : null),
        { Status: DocumentFileStatus.Failed } => Problems.Result(409, "Document file failed", $"The {file.Format} of document {file.DocumentId} could not be made: {file.Error}",
            "document_file_failed"),
        _ => new PendingFile(file),
    };

    /// 503 with Retry-After: the PDF is printed in the background within seconds.
    private sealed class PendingFile(DocumentFile file) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = "5";
            return Problems.Result(503, "Document file not ready", $"The {file.Format} of document {file.DocumentId} is still being made; try again shortly.",
                "document_file_pending").ExecuteAsync(context);
        }
    }

    /// The first time the client opens a document's public link, "document.opened" is raised for its order.
    private static async Task<IResult> PublicAsync(string token, StoreAccess store, ChannelEvents events, TimeProvider clock, CancellationToken ct)
    {
        if (await store.ReadAsync(db => new CrmDocuments(db, clock).FindByTokenAsync(token, ct), ct) is not { } document)
            return TypedResults.Problem(Problems.Problem(404, "Not found", "No document is published at this link.", "document_not_found"));
        await events.RaiseAsync(document.OrderId, EventTypes.DocumentOpened, $"{EventTypes.DocumentOpened}:{document.Id}",
            new { documentId = document.Id, templateId = document.TemplateId, number = document.Number },
            timeline => timeline.AddLogAsync(document.OrderId, $"Document '{document.Title}' opened by the client", null, new { documentId = document.Id }, ct), ct);
        if (document.Output == DocumentOutput.Html) return TypedResults.Content(document.Html, "text/html; charset=utf-8");
        // A PDF opens in the browser; a DOCX downloads under its file name.
        var file = await store.ReadAsync(db => new CrmDocuments(db, clock).GetFileAsync(document.Id, document.Output, ct), ct);
        return FileResult(file, download: document.Output == DocumentOutput.Docx);
    }
}
