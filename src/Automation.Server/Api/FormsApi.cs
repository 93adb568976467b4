using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Orders;
using Automation.Orders.Clients;
using Automation.Orders.Events;
using Automation.Server.Events;

namespace Automation.Server.Api;

/// The public CRM form (no API key, a browser posts it): finds or creates the client and raises "form.submitted", or
/// "callback.requested" for a callback form, for the client's open orders. GET serves a small embeddable form.
public static partial class FormsApi
{
    public static IEndpointRouteBuilder MapFormsApi(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/forms").WithTags("Forms");
        forms.MapGet("/{formId}", Page);
        forms.MapPost("/{formId}", SubmitAsync).DisableAntiforgery();
        return app;
    }

    /// The fields a form submission is about; every other field is kept on the event as it came.
    private static readonly string[] ContactFields = ["name", "email", "phone", "visitorId", "callback"];

    private static IResult Page(string formId, bool? callback)
    {
        var id = WebUtility.HtmlEncode(RequireFormId(formId));
        var title = callback == true ? "Call me back" : "Contact us";
        var hidden = callback == true ? "<input type=\"hidden\" name=\"callback\" value=\"true\">" : "";
        return TypedResults.Content($$"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>{{title}}</title></head>
            <body>
            <form id="crm-form" method="post" action="/forms/{{id}}">
              <h1>{{title}}</h1>
              {{hidden}}
              <label>Name <input name="name" autocomplete="name"></label>
              <label>Email <input name="email" type="email" autocomplete="email"></label>
              <label>Phone <input name="phone" type="tel" autocomplete="tel"></label>
              <label>Message <textarea name="message"></textarea></label>
              <button type="submit">Send</button>
            </form>
            </body></html>
            """, "text/html; charset=utf-8");
    }

    private static async Task<IResult> SubmitAsync(string formId, HttpRequest request, EventIntake intake, StoreAccess store, TimeProvider clock,
        CancellationToken ct)
    {
        var id = RequireFormId(formId);
        var browser = request.HasFormContentType;
        var fields = browser ? await FormFieldsAsync(request, ct) : await JsonFieldsAsync(request, ct);
        string? Field(string name) => fields[name] is JsonValue v && (v.TryGetValue<string>(out var text) ? text : v.ToJsonString()).Trim() is { Length: > 0 } value
            ? value : null;
        var (email, phone) = (Field("email"), Field("phone"));
        if (email is null && phone is null) throw DomainException.Invalid("email", "or 'phone' is required so the form reaches the client");
        var type = Field("callback") is "true" or "on" or "1" ? EventTypes.CallbackRequested : EventTypes.FormSubmitted;
        var extra = new JsonObject();
        foreach (var (name, value) in fields.Where(f => !ContactFields.Contains(f.Key, StringComparer.OrdinalIgnoreCase)))
            extra[name] = value?.DeepClone();

        var (stored, outcomes) = await intake.ChangeAsync(async db =>
        {
            var client = await new ClientDirectory(db, clock).FindOrCreateAsync(new NewClient(Field("name"), email, phone, VisitorId: Field("visitorId")), ct);
            var accepted = await new EventInbox(db, clock).AcceptAsync(new InboxEvent
            {
                Type = type,
                ClientRef = new JsonObject { ["email"] = email, ["phone"] = phone }.ToJsonString(),
                Data = new JsonObject { ["formId"] = id, ["clientId"] = client.Id, ["fields"] = extra }.ToJsonString(),
            }, ct);
            return accepted.Event;
        }, ct);
        if (browser) return TypedResults.Content("<!doctype html><p>Thank you, we will be in touch.</p>", "text/html; charset=utf-8");
        return await EventsApi.ReplyAsync(new Intake(stored, AlreadyReceived: false, outcomes.FirstOrDefault(o => o.EventId == stored.Id)), store, ct);
    }

    private static string RequireFormId(string formId) => FormIdShape().IsMatch(formId)
        ? formId
        : throw DomainException.Invalid("formId", $"'{formId}' is not a form id (letters, digits, '-' and '_', up to 64)");

    private static async Task<JsonObject> FormFieldsAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var fields = new JsonObject();
        foreach (var (name, value) in form) fields[name] = value.ToString();
        return fields;
    }

    private static async Task<JsonObject> JsonFieldsAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is 0 || !(request.ContentType ?? "").Contains("json", StringComparison.OrdinalIgnoreCase))
            throw DomainException.Invalid("body", "must be form fields (application/x-www-form-urlencoded) or a JSON object");
        return await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject
            ?? throw DomainException.Invalid("body", "must be a JSON object of form fields");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex FormIdShape();
}
