using System.Text.Json.Nodes;
using Automation.Server.Api;
using Automation.Server.WorkflowFiles;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Validation;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Studio;

/// Workflow definitions as Studio edits them. Drafts live in the database; publishing validates against the other
/// files, makes the version live for orders entering the status from then on, and writes the definition back to its
/// file; unpublishing and deleting take the file away, so a restart agrees with what Studio did. Every change runs one
/// at a time with the file watcher's syncs.
public sealed class StudioWorkflows(
    WorkflowDefinitions definitions, WorkflowFileStore files, WorkflowDirectory directory, StoreAccess store, ILogger<StudioWorkflows> log)
{
    /// Versions of a definition that match <paramref name="options"/>, newest first.
    public Task<IReadOnlyList<DefinitionRecord>> VersionsAsync(string definitionId, VersionOptions options, CancellationToken ct) =>
        definitions.VersionsAsync(definitionId, options, ct);

    public Task<IReadOnlyList<DefinitionRecord>> ListAsync(VersionOptions options, CancellationToken ct) => definitions.ListAsync(options, ct);

    public Task<DefinitionRecord?> FindAsync(string definitionId, VersionOptions options, CancellationToken ct) =>
        definitions.FindAsync(definitionId, options, ct);

    /// Saves Studio's model as the latest draft, or publishes it when asked.
    public async Task<SaveOutcome> SaveAsync(JsonObject model, bool publish, CancellationToken ct)
    {
        var definition = WorkflowFileLayout.FromStudio(model);
        if (string.IsNullOrWhiteSpace(definition.DefinitionId)) definition.DefinitionId = Ids.NewShort();
        // An activity nothing here can run or describe is not stored, not even as a draft: the save is refused naming it.
        var unknown = files.UnknownActivityTypes(definition);
        if (unknown.Count > 0) return new SaveOutcome(null, false, unknown);
        return await directory.ExclusiveAsync(() => SaveExclusiveAsync(definition, publish, ct), ct);
    }

    private async Task<SaveOutcome> SaveExclusiveAsync(WorkflowDefinition definition, bool publish, CancellationToken ct)
    {
        // Saving what is already the latest version changes nothing: no empty draft, no second publish.
        var latest = await FindAsync(definition.DefinitionId, VersionOptions.Latest, ct);
        if (latest is not null && (latest.IsPublished || !publish) && WorkflowDefinitions.SameContent(WorkflowJson.Parse(latest.Json, latest.DefinitionId), definition))
            return new SaveOutcome(latest, AlreadyPublished: publish, []);
        return publish ? await PublishAsync(definition, ct) : new SaveOutcome(await SaveDraftAsync(definition, ct), false, []);
    }

    /// Publishes the latest version of a definition (the list screens' Publish); null when the definition is unknown.
    public async Task<SaveOutcome?> PublishLatestAsync(string definitionId, CancellationToken ct)
    {
        var latest = await FindAsync(definitionId, VersionOptions.Latest, ct);
        if (latest is null) return null;
        if (latest.IsPublished) return new SaveOutcome(latest, AlreadyPublished: true, []);
        return await SaveAsync(Parse(latest), publish: true, ct);
    }

    /// Takes the published version out of service and its file out of the workflows folder; null when the definition is unknown.
    public async Task<DefinitionRecord?> RetractAsync(string definitionId, CancellationToken ct) =>
        await directory.ExclusiveAsync(async () =>
        {
            await RetractExclusiveAsync(definitionId, ct);
            return await FindAsync(definitionId, VersionOptions.Latest, ct);
        }, ct);

    /// Retracts a definition if it is published; whether it was.
    private async Task<bool> RetractExclusiveAsync(string definitionId, CancellationToken ct)
    {
        if (await definitions.RetractAsync(definitionId, ct) is null) return false;
        files.Delete(definitionId);
        log.LogInformation("Studio unpublished {DefinitionId}; its file was removed from {Folder}", definitionId, files.Folder);
        return true;
    }

    /// Makes an older version the latest draft again; null when there is no such version.
    public async Task<SaveOutcome?> RevertAsync(string definitionId, int version, CancellationToken ct)
    {
        var old = await FindAsync(definitionId, VersionOptions.SpecificVersion(version), ct);
        return old is null ? null : await SaveAsync(Parse(old), publish: false, ct);
    }

    /// Deletes every version of the given definitions, and the file of a published one (the status leaves the
    /// pipeline). Refuses, deleting nothing, while orders are in a status about to go or instances run on a version.
    public Task<DeleteOutcome> DeleteDefinitionsAsync(IReadOnlyCollection<string> definitionIds, CancellationToken ct) =>
        directory.ExclusiveAsync(async () =>
        {
            var versions = new List<DefinitionRecord>();
            foreach (var definitionId in definitionIds.Distinct(StringComparer.Ordinal))
                versions.AddRange(await VersionsAsync(definitionId, VersionOptions.AllVersions, ct));
            return await DeleteExclusiveAsync(versions, ct);
        }, ct);

    /// Deletes single versions by their ids; deleting the published one unpublishes the definition and removes its file,
    /// and the newest version left becomes the latest. Refuses like <see cref="DeleteDefinitionsAsync"/>.
    public Task<DeleteOutcome> DeleteVersionsAsync(IReadOnlyCollection<string> versionIds, CancellationToken ct) =>
        directory.ExclusiveAsync(async () =>
        {
            var versions = new List<DefinitionRecord>();
            foreach (var id in versionIds.Distinct(StringComparer.Ordinal))
                if (await definitions.FindVersionAsync(id, ct) is { } version) versions.Add(version);
            return await DeleteExclusiveAsync(versions, ct);
        }, ct);

    private async Task<DeleteOutcome> DeleteExclusiveAsync(IReadOnlyList<DefinitionRecord> versions, CancellationToken ct)
    {
        if (versions.Count == 0) return new DeleteOutcome([], []);
        var leaving = versions.Where(v => v.IsPublished).ToList();
        var refusals = new List<string>();
        foreach (var published in leaving)
        {
            if (Parse(published)["customProperties"]?["orderStatus"]?["code"] is not JsonValue c || !c.TryGetValue<string>(out var code)) continue;
            var orders = await store.ReadAsync(db => db.Orders.CountAsync(o => o.Status == code, ct), ct);
            if (orders > 0)
                refusals.Add($"{orders} order(s) are in status '{code}' ({published.DefinitionId} v{published.Version} is its published version); move them to another status first");
        }
        if (refusals.Count > 0) return new DeleteOutcome([], refusals);
        IReadOnlyList<DefinitionRecord> deleted;
        try
        {
            deleted = await definitions.DeleteVersionsAsync(versions.Select(v => v.Id).ToList(), ct);
        }
        catch (DefinitionInUseException inUse)
        {
            return new DeleteOutcome([], inUse.Reasons);
        }
        foreach (var published in deleted.Where(v => v.IsPublished))
        {
            files.Delete(published.DefinitionId);
            log.LogInformation("Studio deleted {DefinitionId} v{Version}, the published version; its file was removed from {Folder}",
                published.DefinitionId, published.Version, files.Folder);
        }
        return new DeleteOutcome(deleted, []);
    }

    /// Publishes the latest version of each definition, as Elsa's bulk publish reports it.
    public async Task<BulkPublishOutcome> BulkPublishAsync(IReadOnlyCollection<string> definitionIds, CancellationToken ct)
    {
        var outcome = new BulkPublishOutcome();
        foreach (var definitionId in definitionIds.Distinct(StringComparer.Ordinal))
        {
            var latest = await FindAsync(definitionId, VersionOptions.Latest, ct);
            if (latest is null) outcome.NotFound.Add(definitionId);
            else if (latest.IsPublished) outcome.AlreadyPublished.Add(definitionId);
            else if ((await SaveAsync(Parse(latest), publish: true, ct)).ValidationErrors is { Count: > 0 } errors)
            {
                outcome.Failed.Add(definitionId);
                outcome.Warnings[definitionId] = errors.Select(e => e.ToString()).ToList();
            }
            else outcome.Published.Add(definitionId);
        }
        return outcome;
    }

    /// Unpublishes each definition, as Elsa's bulk retract reports it.
    public async Task<BulkRetractOutcome> BulkRetractAsync(IReadOnlyCollection<string> definitionIds, CancellationToken ct)
    {
        var outcome = new BulkRetractOutcome();
        foreach (var definitionId in definitionIds.Distinct(StringComparer.Ordinal))
        {
            if (await FindAsync(definitionId, VersionOptions.LatestOrPublished, ct) is null) outcome.NotFound.Add(definitionId);
            else if (await directory.ExclusiveAsync(() => RetractExclusiveAsync(definitionId, ct), ct)) outcome.Retracted.Add(definitionId);
            else outcome.AlreadyRetracted.Add(definitionId);
        }
        return outcome;
    }

    public static JsonObject Parse(DefinitionRecord record) => WorkflowJson.Parse(record.Json, record.DefinitionId).Document;

    private async Task<DefinitionRecord> SaveDraftAsync(WorkflowDefinition definition, CancellationToken ct)
    {
        var saved = await definitions.SaveAsync(definition, publish: false, ct);
        return await RecordOfAsync(saved, ct);
    }

    private async Task<SaveOutcome> PublishAsync(WorkflowDefinition edited, CancellationToken ct)
    {
        var path = files.PathFor(edited);
        // Stored as its file will read (the file's order of activities and properties), so the published version
        // equals its file and the watcher's sync of the write finds nothing to publish.
        var definition = files.AsFileHolds(edited, path);
        var errors = await files.ValidateAsync(definition, path, ct);
        if (errors.Count == 0)
        {
            try
            {
                var published = await definitions.SaveAsync(definition, publish: true, ct);
                files.Write(published, path);
                log.LogInformation("Studio published {DefinitionId} v{Version} to {File}", published.DefinitionId, published.Version, path);
                return new SaveOutcome(await RecordOfAsync(published, ct), false, []);
            }
            catch (WorkflowCompileException e)
            {
                errors = [new ValidationError(System.IO.Path.GetFileName(path), null, e.JsonPath, e.Problem)];
            }
        }
        // The analyst's work is kept as a draft; nothing goes live and the file stays as it was.
        return new SaveOutcome(await SaveDraftAsync(edited, ct), false, errors);
    }

    private async Task<DefinitionRecord> RecordOfAsync(WorkflowDefinition saved, CancellationToken ct) =>
        await definitions.FindVersionAsync(saved.Id, ct) ?? throw new InvalidOperationException($"Version '{saved.Id}' of {saved.DefinitionId} was not stored.");
}

/// What a save did: the version now latest (null when nothing was stored), whether it had been published already, and
/// why a publish or the save was refused.
public sealed record SaveOutcome(DefinitionRecord? Definition, bool AlreadyPublished, IReadOnlyList<ValidationError> ValidationErrors);

/// What a delete did: the versions deleted, or why nothing was (orders still in the status, instances still running).
public sealed record DeleteOutcome(IReadOnlyList<DefinitionRecord> Deleted, IReadOnlyList<string> Refusals);

/// Elsa's bulk-publish response.
public sealed class BulkPublishOutcome
{
    public List<string> Published { get; } = [];
    public List<string> AlreadyPublished { get; } = [];
    public List<string> NotFound { get; } = [];
    public List<string> Skipped { get; } = [];
    public List<string> UpdatedConsumers { get; } = [];
    public List<string> Failed { get; } = [];
    public Dictionary<string, List<string>> Warnings { get; } = new(StringComparer.Ordinal);
}

/// Elsa's bulk-retract response (`notPublished` is Elsa's older name of `alreadyRetracted`).
public sealed class BulkRetractOutcome
{
    public List<string> Retracted { get; } = [];
    public List<string> AlreadyRetracted { get; } = [];
    public List<string> NotPublished => AlreadyRetracted;
    public List<string> NotFound { get; } = [];
    public List<string> Skipped { get; } = [];
}
