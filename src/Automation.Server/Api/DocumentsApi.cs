using Automation.Orders;
using Automation.Orders.Documents;
using Automation.Orders.Events;
using Automation.Rules.Employees;
using Automation.Server.Channels;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// Document templates, the documents the Create CRM document rule makes for orders, and their public links.
public static class DocumentsApi
{
    public static RouteGroupBuilder MapDocumentsApi(this RouteGroupBuilder api)
    {
        var templates = api.MapGroup("/document-templates").WithTags("Documents");
        templates.MapGet("/", ListTemplatesAsync);
        templates.MapPost("/", CreateTemplateAsync);
        templates.MapGet("/{id:long}", GetTemplateAsync);
        api.MapGet("/orders/{id:long}/documents", ListForOrderAsync).WithTags("Documents");
        api.MapGet("/documents/{id:long}", GetAsync).WithTags("Documents");
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
    public sealed record DocumentView(long Id, long OrderId, long TemplateId, string Number, string Title, string? Html, string? PublicUrl, DateTimeOffset CreatedAt)
    {
        public static DocumentView Of(CrmDocument d, bool withHtml) => new(d.Id, d.OrderId, d.TemplateId, d.Number, d.Title, withHtml ? d.Html : null,
            d.PublicToken is { } token ? CreateDocument.PublicPath + token : null, d.CreatedAt);
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

    private static async Task<Ok<DocumentTemplate>> GetTemplateAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new CrmDocuments(db, clock).GetTemplateAsync(id, ct), ct));

    private static async Task<Ok<List<DocumentView>>> ListForOrderAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok((await store.ReadAsync(db => new CrmDocuments(db, clock).ListForOrderAsync(id, ct), ct)).Select(d => DocumentView.Of(d, withHtml: false)).ToList());

    private static async Task<Ok<DocumentView>> GetAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(DocumentView.Of(await store.ReadAsync(db => new CrmDocuments(db, clock).GetAsync(id, ct), ct), withHtml: true));

    /// The first time the client opens a document's public link, "document.opened" is raised for its order.
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> PublicAsync(string token, StoreAccess store, ChannelEvents events,
        TimeProvider clock, CancellationToken ct)
    {
        if (await store.ReadAsync(db => new CrmDocuments(db, clock).FindByTokenAsync(token, ct), ct) is not { } document)
            return TypedResults.Problem(Problems.Problem(404, "Not found", "No document is published at this link.", "document_not_found"));
        await events.RaiseAsync(document.OrderId, EventTypes.DocumentOpened, $"{EventTypes.DocumentOpened}:{document.Id}",
            new { documentId = document.Id, templateId = document.TemplateId, number = document.Number },
            timeline => timeline.AddLogAsync(document.OrderId, $"Document '{document.Title}' opened by the client", null, new { documentId = document.Id }, ct), ct);
        return TypedResults.Content(document.Html, "text/html; charset=utf-8");
    }
}
