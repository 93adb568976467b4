using Automation.Orders;
using Automation.Orders.Activities;
using Automation.Rules.Pipeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// The to-dos, calls and meetings of an order (what the Activity and Schedule a call/meeting rules create).
public static class ActivitiesApi
{
    public static RouteGroupBuilder MapActivitiesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orders/{id:long}/activities", ListAsync).WithTags("Activities");
        api.MapPost("/orders/{id:long}/activities", CreateAsync).WithTags("Activities");
        api.MapGet("/activities/{id:long}", GetAsync).WithTags("Activities");
        api.MapPost("/activities/{id:long}/complete", CompleteAsync).WithTags("Activities");
        return api;
    }

    public sealed record CreateActivityRequest(
        CrmActivityKind? Kind, string? Subject, string? Description, long? ResponsibleId, DateTimeOffset? StartAt, DateTimeOffset? EndAt,
        int? ReminderMinutes, bool? IsImportant, string? AutoCompleteStatus);

    public sealed record CompleteRequest(string? Reason);

    private static async Task<Ok<IReadOnlyList<CrmActivity>>> ListAsync(long id, StoreAccess store, TimeProvider clock, bool? includeCompleted, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new CrmActivities(db, clock).ListForOrderAsync(id, includeCompleted ?? false, ct), ct));

    private static async Task<Created<CrmActivity>> CreateAsync(
        long id, CreateActivityRequest body, OrderPipeline pipeline, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        // A waiting marker belongs to the Wait rule, not to people.
        if (body.Kind is not (CrmActivityKind.ToDo or CrmActivityKind.Call or CrmActivityKind.Meeting))
            throw DomainException.Invalid("kind", "is required: ToDo, Call or Meeting");
        if (string.IsNullOrWhiteSpace(body.Subject)) throw DomainException.Invalid("subject", "is required");
        if (!string.IsNullOrWhiteSpace(body.AutoCompleteStatus))
        {
            var codes = (await pipeline.ListStatusesAsync(ct)).Select(s => s.Code).ToList();
            if (!codes.Contains(body.AutoCompleteStatus.Trim()))
                throw DomainException.Invalid("autoCompleteStatus", $"'{body.AutoCompleteStatus}' is not a status (statuses: {string.Join(", ", codes)})");
        }
        var activity = await store.WriteAsync(db => new CrmActivities(db, clock).CreateAsync(id, new NewCrmActivity(body.Kind.Value, body.Subject)
        {
            Description = body.Description,
            ResponsibleId = body.ResponsibleId,
            StartAt = body.StartAt,
            EndAt = body.EndAt,
            ReminderMinutes = body.ReminderMinutes,
            IsImportant = body.IsImportant ?? false,
            AutoCompleteStatus = body.AutoCompleteStatus,
        }, ct), ct);
        return TypedResults.Created($"/api/activities/{activity.Id}", activity);
    }

    private static async Task<Ok<CrmActivity>> GetAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new CrmActivities(db, clock).GetAsync(id, ct), ct));

    private static async Task<Ok<CrmActivity>> CompleteAsync(long id, CompleteRequest? body, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.WriteAsync(db => new CrmActivities(db, clock).CompleteAsync(id, body?.Reason, ct), ct));
}
