using System.Text;
using System.Text.Json.Nodes;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Studio;

/// The workflow-definition endpoints of the Elsa 3 API that Studio calls (elsa-contract.md §2.3).
public static class ElsaWorkflowDefinitionsApi
{
    public static RouteGroupBuilder MapElsaWorkflowDefinitionsApi(this RouteGroupBuilder elsa)
    {
        var definitions = elsa.MapGroup("/workflow-definitions").WithTags("Elsa Studio");
        definitions.MapGet("/", ListAsync);
        definitions.MapPost("/", SaveAsync);
        definitions.MapGet("/by-definition-id/{definitionId}", GetAsync);
        definitions.MapGet("/{definitionId}", GetAsync);
        definitions.MapGet("/{definitionId}/versions", VersionsAsync);
        definitions.MapPost("/{definitionId}/publish", PublishAsync);
        definitions.MapPost("/{definitionId}/retract", RetractAsync);
        definitions.MapPost("/{definitionId}/revert/{version:int}", RevertAsync);
        definitions.MapGet("/{definitionId}/export", ExportAsync);
        definitions.MapPost("/import", ImportAsync);
        definitions.MapGet("/validation/is-name-unique", IsNameUniqueAsync);
        definitions.MapPost("/{definitionId}/execute", TestRuns.ExecuteAsync);
        definitions.MapDelete("/{definitionId}", DeleteAsync);
        definitions.MapDelete("/{definitionId}/version/{version:int}", DeleteVersionNumberAsync);
        elsa.MapDelete("/workflow-definition-versions/{id}", DeleteVersionAsync).WithTags("Elsa Studio");

        var bulk = elsa.MapGroup("/bulk-actions").WithTags("Elsa Studio");
        bulk.MapPost("/delete/workflow-definitions/by-definition-id", BulkDeleteAsync);
        bulk.MapPost("/delete/workflow-definitions/by-id", BulkDeleteVersionsAsync);
        bulk.MapPost("/publish/workflow-definitions/by-definition-ids", BulkPublishAsync);
        bulk.MapPost("/retract/workflow-definitions/by-definition-ids", BulkRetractAsync);
        return elsa;
    }

    /// The body of `POST /workflow-definitions`: Studio's model and whether to publish it.
    public sealed record SaveRequest(JsonObject? Model, bool? Publish);

    /// The bodies of the bulk actions: `{definitionIds: [...]}` or, for versions, `{ids: [...]}`.
    public sealed record BulkRequest(IReadOnlyList<string>? DefinitionIds, IReadOnlyList<string>? Ids);

    private static async Task<IResult> GetAsync(string definitionId, string? versionOptions, StudioWorkflows workflows, CancellationToken ct)
    {
        if (VersionOptions.Parse(versionOptions, VersionOptions.Latest) is not { } options) return BadVersionOptions(versionOptions);
        return await workflows.FindAsync(definitionId, options, ct) is { } record
            ? ElsaJson.Ok(DefinitionViews.Definition(record))
            : ElsaJson.NotFound($"Workflow definition '{definitionId}' has no version matching '{options}'.");
    }

    private static async Task<IResult> ListAsync(HttpRequest request, StudioWorkflows workflows, CancellationToken ct)
    {
        var query = request.Query;
        if (VersionOptions.Parse(query["versionOptions"], VersionOptions.Latest) is not { } options)
            return BadVersionOptions(query["versionOptions"]);
        var definitionIds = query["definitionIds"].Concat(query["definitionId"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var ids = query["ids"].OfType<string>().ToHashSet(StringComparer.Ordinal);
        var search = query["searchTerm"].ToString();
        IEnumerable<DefinitionRecord> versions = definitionIds.Count == 1
            ? await workflows.VersionsAsync(definitionIds.First(), options, ct)
            : await workflows.ListAsync(options, ct);
        if (definitionIds.Count > 0) versions = versions.Where(v => definitionIds.Contains(v.DefinitionId));
        if (ids.Count > 0) versions = versions.Where(v => ids.Contains(v.Id));
        if (search.Length > 0)
            versions = versions.Where(v => (v.Name ?? "").Contains(search, StringComparison.OrdinalIgnoreCase)
                                           || v.DefinitionId.Contains(search, StringComparison.OrdinalIgnoreCase));
        var descending = string.Equals(query["orderDirection"], "Descending", StringComparison.OrdinalIgnoreCase);
        Func<DefinitionRecord, object?> key = query["orderBy"].ToString().ToLowerInvariant() switch
        {
            "version" => v => v.Version,
            "createdat" => v => v.CreatedAt,
            _ => v => v.Name ?? v.DefinitionId,
        };
        var ordered = (descending ? versions.OrderByDescending(key) : versions.OrderBy(key)).ThenBy(v => v.DefinitionId, StringComparer.Ordinal).ToList();
        if (!TryInt(query["page"], out var page) || !TryInt(query["pageSize"], out var pageSize))
            return Api.Problems.Result(400, "Invalid request", "'page' and 'pageSize' must be whole numbers.", "invalid_paging");
        var items = page is { } p && pageSize is { } size && size > 0 ? ordered.Skip(Math.Max(p, 0) * size).Take(size) : ordered;
        return ElsaJson.Ok(new PagedListResponse<DefinitionSummary>(items.Select(DefinitionViews.Summary).ToList(), ordered.Count, []));
    }

    private static async Task<IResult> VersionsAsync(string definitionId, StudioWorkflows workflows, CancellationToken ct)
    {
        var versions = await workflows.VersionsAsync(definitionId, VersionOptions.AllVersions, ct);
        if (versions.Count == 0) return ElsaJson.NotFound($"Workflow definition '{definitionId}' does not exist.");
        return ElsaJson.Ok(new PagedListResponse<DefinitionSummary>(versions.Select(DefinitionViews.Summary).ToList(), versions.Count, []));
    }

    private static async Task<IResult> SaveAsync(SaveRequest body, StudioWorkflows workflows, CancellationToken ct)
    {
        if (body.Model is null)
            return Api.Problems.Result(400, "Invalid request", "The body must be { \"model\": <workflow definition>, \"publish\": true|false }.", "model_missing");
        return SaveResult(await workflows.SaveAsync(body.Model, body.Publish ?? false, ct));
    }

    private static async Task<IResult> PublishAsync(string definitionId, StudioWorkflows workflows, CancellationToken ct) =>
        await workflows.PublishLatestAsync(definitionId, ct) is { } outcome
            ? SaveResult(outcome)
            : ElsaJson.NotFound($"Workflow definition '{definitionId}' does not exist.");

    private static async Task<IResult> RetractAsync(string definitionId, StudioWorkflows workflows, CancellationToken ct) =>
        await workflows.RetractAsync(definitionId, ct) is { } latest
            ? ElsaJson.Ok(DefinitionViews.Definition(latest))
            : ElsaJson.NotFound($"Workflow definition '{definitionId}' does not exist.");

    private static async Task<IResult> RevertAsync(string definitionId, int version, StudioWorkflows workflows, CancellationToken ct) =>
        await workflows.RevertAsync(definitionId, version, ct) switch
        {
            null => ElsaJson.NotFound($"Workflow definition '{definitionId}' has no version {version}."),
            { Definition: { } draft } => ElsaJson.Ok(DefinitionViews.Definition(draft)),
            var refused => SaveResult(refused),
        };

    private static async Task<IResult> ExportAsync(string definitionId, string? versionOptions, StudioWorkflows workflows, CancellationToken ct)
    {
        if (VersionOptions.Parse(versionOptions, VersionOptions.Latest) is not { } options) return BadVersionOptions(versionOptions);
        if (await workflows.FindAsync(definitionId, options, ct) is not { } record)
            return ElsaJson.NotFound($"Workflow definition '{definitionId}' has no version matching '{options}'.");
        return TypedResults.File(Encoding.UTF8.GetBytes(DefinitionViews.Export(record)), "application/json", $"{definitionId}.json");
    }

    private static async Task<IResult> ImportAsync([FromBody] JsonObject model, StudioWorkflows workflows, CancellationToken ct)
    {
        // Studio's import sends the model itself; `{ "model": … }` is accepted too.
        var definition = model["model"] as JsonObject ?? model;
        var outcome = await workflows.SaveAsync(definition, publish: false, ct);
        return outcome.Definition is { } saved ? ElsaJson.Ok(DefinitionViews.Definition(saved)) : SaveResult(outcome);
    }

    private static async Task<IResult> IsNameUniqueAsync(string? name, string? definitionId, StudioWorkflows workflows, CancellationToken ct)
    {
        var taken = (await workflows.ListAsync(VersionOptions.Latest, ct)).Any(v => v.DefinitionId != definitionId
            && string.Equals(v.Name?.Trim(), name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return ElsaJson.Ok(new { isUnique = !taken });
    }

    /// Deletes every version of a definition (Elsa: 204, or 404 when there is none).
    private static async Task<IResult> DeleteAsync(string definitionId, StudioWorkflows workflows, CancellationToken ct)
    {
        var outcome = await workflows.DeleteDefinitionsAsync([definitionId], ct);
        if (outcome.Refusals.Count > 0) return Refused(outcome);
        return outcome.Deleted.Count == 0 ? ElsaJson.NotFound($"Workflow definition '{definitionId}' does not exist.") : TypedResults.NoContent();
    }

    /// Deletes one version by its id (Studio's version history: 204, or 404).
    private static async Task<IResult> DeleteVersionAsync(string id, StudioWorkflows workflows, CancellationToken ct)
    {
        var outcome = await workflows.DeleteVersionsAsync([id], ct);
        if (outcome.Refusals.Count > 0) return Refused(outcome);
        return outcome.Deleted.Count == 0 ? ElsaJson.NotFound($"Workflow definition version '{id}' does not exist.") : TypedResults.NoContent();
    }

    /// Deletes one version by its number (Elsa: 200, or 404).
    private static async Task<IResult> DeleteVersionNumberAsync(string definitionId, int version, StudioWorkflows workflows, CancellationToken ct)
    {
        if (await workflows.FindAsync(definitionId, VersionOptions.SpecificVersion(version), ct) is not { } found)
            return ElsaJson.NotFound($"Workflow definition '{definitionId}' has no version {version}.");
        var outcome = await workflows.DeleteVersionsAsync([found.Id], ct);
        return outcome.Refusals.Count > 0 ? Refused(outcome) : TypedResults.Ok();
    }

    private static async Task<IResult> BulkDeleteAsync(BulkRequest body, StudioWorkflows workflows, CancellationToken ct)
    {
        if (body.DefinitionIds is not { } ids) return MissingList("definitionIds");
        var outcome = await workflows.DeleteDefinitionsAsync(ids, ct);
        return outcome.Refusals.Count > 0 ? Refused(outcome) : ElsaJson.Ok(new { deleted = outcome.Deleted.Count });
    }

    private static async Task<IResult> BulkDeleteVersionsAsync(BulkRequest body, StudioWorkflows workflows, CancellationToken ct)
    {
        if (body.Ids is not { } ids) return MissingList("ids");
        var outcome = await workflows.DeleteVersionsAsync(ids, ct);
        return outcome.Refusals.Count > 0 ? Refused(outcome) : ElsaJson.Ok(new { deleted = outcome.Deleted.Count });
    }

    private static async Task<IResult> BulkPublishAsync(BulkRequest body, StudioWorkflows workflows, CancellationToken ct) =>
        body.DefinitionIds is { } ids ? ElsaJson.Ok(await workflows.BulkPublishAsync(ids, ct)) : MissingList("definitionIds");

    private static async Task<IResult> BulkRetractAsync(BulkRequest body, StudioWorkflows workflows, CancellationToken ct) =>
        body.DefinitionIds is { } ids ? ElsaJson.Ok(await workflows.BulkRetractAsync(ids, ct)) : MissingList("definitionIds");

    private static IResult MissingList(string name) =>
        Api.Problems.Result(400, "Invalid request", $"The body must be {{ \"{name}\": [ ... ] }}.", $"{name}_missing");

    /// 409: nothing was deleted, and why (orders still in the status, instances still running on a version).
    private static IResult Refused(DeleteOutcome outcome) =>
        Api.Problems.Result(409, "Not deleted", string.Join("; ", outcome.Refusals) + ". Nothing was deleted.", "workflow_in_use");

    private static IResult SaveResult(SaveOutcome outcome)
    {
        if (outcome.Definition is null)
            return ElsaJson.ValidationProblem(
                $"Not saved: {outcome.ValidationErrors.Count} activit(ies) of a type this server does not have; remove them or bring their type back. Nothing was stored.",
                outcome.ValidationErrors);
        if (outcome.ValidationErrors.Count > 0)
            return ElsaJson.ValidationProblem(
                $"Not published: {outcome.ValidationErrors.Count} problem(s); the changes are kept as draft version {outcome.Definition.Version}.",
                outcome.ValidationErrors);
        return ElsaJson.Ok(new
        {
            workflowDefinition = DefinitionViews.Definition(outcome.Definition),
            alreadyPublished = outcome.AlreadyPublished,
            consumingWorkflowCount = 0,
            validationErrors = Array.Empty<object>(),
        });
    }

    private static IResult BadVersionOptions(string? given) => Api.Problems.Result(400, "Invalid request",
        $"versionOptions '{given}' is not one of Latest, Published, LatestOrPublished, LatestAndPublished, Draft, AllVersions or a version number.",
        "invalid_version_options");

    private static bool TryInt(string? text, out int? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!int.TryParse(text, out var n)) return false;
        value = n;
        return true;
    }
}
