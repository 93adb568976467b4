using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Orders;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Server.Events;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Api;

/// Events from the outside world (calls, forms, chat, visits, …): stored in the inbox first, then processed.
public static partial class EventsApi
{
    /// What the triggers of a type read from the event, so an event without it is refused rather than never matching.
    private static readonly Dictionary<string, string> RequiredData = new(StringComparer.Ordinal)
    {
        [EventTypes.FormSubmitted] = "formId",
        [EventTypes.CallbackRequested] = "formId",
        [EventTypes.ChatMessage] = "text",
    };

    [GeneratedRegex("^[a-z0-9]+([.-][a-z0-9]+)*$")]
    private static partial Regex TypeShape();

    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        var events = api.MapGroup("/events").WithTags("Events");
        events.MapPost("/", ReceiveAsync);
        events.MapGet("/{id:long}", GetAsync);
        return api;
    }

    public sealed record EventRequest(string? Type, long? OrderId, ClientReference? Client, JsonObject? Data, string? IdempotencyKey);

    public sealed record ClientReference(string? Email = null, string? Phone = null, string? VisitorId = null);

    public sealed record EventView(
        long Id, string Type, long? OrderId, JsonNode? Data, string? IdempotencyKey, DateTimeOffset ReceivedAt,
        DateTimeOffset? ProcessedAt, string? Outcome, bool AlreadyReceived, EventOutcomeView? Result)
    {
        public static EventView Of(InboxEvent e, bool alreadyReceived, EventOutcomeView? result) => new(
            e.Id, e.Type, e.OrderId, JsonNode.Parse(e.Data), e.IdempotencyKey, e.ReceivedAt, e.ProcessedAt, e.Outcome, alreadyReceived, result);
    }

    private static async Task<IResult> ReceiveAsync(EventRequest body, HttpRequest request, EventIntake intake, StoreAccess store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Type)) throw DomainException.Invalid("type", "is required (e.g. \"call.incoming\")");
        if (!TypeShape().IsMatch(body.Type.Trim()))
            throw DomainException.Invalid("type", $"'{body.Type}' is not an event type: lower-case words joined by '.' or '-' (e.g. \"call.missed\")");
        if (body.OrderId is null && body.Client is null) throw DomainException.Invalid("orderId", "or 'client' {email, phone, visitorId} must name who the event is about");
        if (body.OrderId is null && body.Client is { } client && new[] { client.Email, client.Phone, client.VisitorId }.All(string.IsNullOrWhiteSpace))
            throw DomainException.Invalid("client", "needs an email, a phone or a visitorId");
        if (RequiredData.GetValueOrDefault(body.Type.Trim()) is { } required && body.Data?[required] is not JsonValue)
            throw DomainException.Invalid("data." + required, $"is required for '{body.Type.Trim()}' events");
        if (body.OrderId is { } orderId && !await store.ReadAsync(db => db.Orders.AnyAsync(o => o.Id == orderId, ct), ct))
            throw DomainException.OrderNotFound(orderId);
        var key = body.IdempotencyKey ?? (request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : null);
        var intakeResult = await intake.ReceiveAsync(new InboxEvent
        {
            Type = body.Type.Trim(),
            OrderId = body.OrderId,
            Data = (body.Data ?? new JsonObject()).ToJsonString(),
            IdempotencyKey = key,
            ClientRef = body.Client is null ? null : ClientRefJson(body.Client),
        }, ct);
        return await ReplyAsync(intakeResult, store, ct);
    }

    private static async Task<IResult> GetAsync(long id, StoreAccess store, CancellationToken ct)
    {
        var stored = await store.ReadAsync(db => db.InboxEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct), ct)
            ?? throw new DomainException("event_not_found", $"Event {id} does not exist.");
        return TypedResults.Ok(EventView.Of(stored, alreadyReceived: false, null));
    }

    /// 202 for a new event (with what processing did), 200 with the first event for a repeated idempotency key.
    internal static async Task<IResult> ReplyAsync(Intake intake, StoreAccess store, CancellationToken ct)
    {
        if (intake.Dropped is { } drop) return FloodProblem(intake.Event, drop);
        var stored = await store.ReadAsync(db => db.InboxEvents.AsNoTracking().FirstAsync(e => e.Id == intake.Event.Id, ct), ct);
        var view = EventView.Of(stored, intake.AlreadyReceived, intake.Outcome is null ? null : EventOutcomeView.Of(intake.Outcome));
        return intake.AlreadyReceived ? TypedResults.Ok(view) : TypedResults.Accepted($"/api/events/{stored.Id}", view);
    }

    /// 429 for an event the flood guard stored without processing, naming the order, the limit and when it lifts.
    private static IResult FloodProblem(InboxEvent stored, FloodDrop drop)
    {
        var problem = Problems.Problem(429, "Too many events for this order",
            $"Order {drop.OrderId} received more than {drop.Limit} events within {drop.Window} (Pipeline:FloodLimit); event {stored.Id} was stored as dropped and not processed. Events are processed again after {drop.WindowEnd:O}.",
            "flood_guard");
        problem.Extensions["orderId"] = drop.OrderId;
        problem.Extensions["limit"] = drop.Limit;
        problem.Extensions["eventId"] = stored.Id;
        problem.Extensions["retryAfter"] = drop.WindowEnd;
        return TypedResults.Problem(problem);
    }

    private static string ClientRefJson(ClientReference client) =>
        new JsonObject { ["email"] = client.Email, ["phone"] = client.Phone, ["visitorId"] = client.VisitorId }.ToJsonString();
}
