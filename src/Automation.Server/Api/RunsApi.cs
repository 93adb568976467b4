using System.Text.Json.Nodes;
using Automation.Orders;
using Automation.Rules.Pipeline;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Api;

/// The run log of an order (DESIGN.md §4): every status instance it went through and, per rule, when it ran, its
/// delay, the condition's verdict with the values compared, its evaluated inputs, outputs and errors.
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/orders/{id:long}/runs", ListAsync).WithTags("Orders");
        return api;
    }

    public sealed record RunView(
        string InstanceId, string DefinitionId, int Version, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        IReadOnlyList<RuleRunView> Activities);

    public sealed record RuleRunView(
        string ActivityId, string Type, string? Name, string Event, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
        double DurationMs, string? Message, JsonObject Details);

    private static async Task<IResult> ListAsync(long id, WorkflowDatabase database, StoreAccess store, CancellationToken ct)
    {
        if (!await store.ReadAsync(db => db.Orders.AnyAsync(o => o.Id == id, ct), ct)) throw DomainException.OrderNotFound(id);
        var correlation = OrderPipeline.OrderIdText(id);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var instances = await db.Instances.AsNoTracking().Where(i => i.CorrelationId == correlation).ToListAsync(ct);
        var journal = (await db.Journal.AsNoTracking().Where(j => j.CorrelationId == correlation).ToListAsync(ct))
            .OrderBy(j => j.Id).ToLookup(j => j.InstanceId);
        // Journal ids grow with every write, so they order instances started within one clock tick too.
        var runs = instances.OrderBy(i => i.CreatedAt).ThenBy(i => journal[i.Id].Select(j => j.Id).DefaultIfEmpty(long.MaxValue).Min()).Select(i => new RunView(
            i.Id, i.DefinitionId, i.Version, i.Status, i.CreatedAt, i.UpdatedAt,
            journal[i.Id].Select(j => new RuleRunView(j.ActivityId, j.ActivityType, j.ActivityName, j.Event, j.StartedAt, j.FinishedAt,
                (j.FinishedAt - j.StartedAt).TotalMilliseconds, j.Message, j.Data is { } data ? JsonNode.Parse(data) as JsonObject ?? [] : [])).ToList()))
            .ToList();
        return TypedResults.Ok(runs);
    }
}
