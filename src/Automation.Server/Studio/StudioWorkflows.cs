using System.Text.Json.Nodes;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Validation;

namespace Automation.Server.Studio;

/// Workflow definitions as Studio edits them. Drafts live in the database; publishing validates against the other
/// files, makes the version live for orders entering the status from then on, and writes the definition back to its
/// file; unpublishing takes the file away, so a restart agrees with what Studio did.
public sealed class StudioWorkflows(WorkflowDefinitions definitions, WorkflowFileStore files, ILogger<StudioWorkflows> log)
{
    // Properties the store assigns per version: two versions with the same content differ only in these.
    private static readonly string[] VersionProperties = ["id", "version", "isLatest", "isPublished", "createdAt", "links", "$schema"];

    // One publish at a time, so two editors cannot interleave the database and the file.
    private readonly SemaphoreSlim _publishing = new(1, 1);

    /// Runs <paramref name="work"/> while no publish runs (the file watcher's sync publishes too).
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _publishing.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// Every version of a definition, newest first.
    public async Task<IReadOnlyList<DefinitionRecord>> VersionsAsync(string definitionId, CancellationToken ct) =>
        (await definitions.ListAsync(ct)).Where(d => d.DefinitionId == definitionId).OrderByDescending(d => d.Version).ToList();

    public async Task<IReadOnlyList<DefinitionRecord>> AllVersionsAsync(CancellationToken ct) => await definitions.ListAsync(ct);

    public async Task<DefinitionRecord?> FindAsync(string definitionId, ElsaVersionOptions options, CancellationToken ct) =>
        (await VersionsAsync(definitionId, ct)).FirstOrDefault(options.Matches);

    /// Saves Studio's model as the latest draft, or publishes it when asked.
    public async Task<SaveOutcome> SaveAsync(JsonObject model, bool publish, CancellationToken ct)
    {
        var definition = WorkflowFileLayout.FromStudio(model);
        if (string.IsNullOrWhiteSpace(definition.DefinitionId)) definition.DefinitionId = Ids.NewShort();
        await _publishing.WaitAsync(ct);
        try
        {
            // Saving what is already the latest version changes nothing: no empty draft, no second publish.
            var latest = await FindAsync(definition.DefinitionId, ElsaVersionOptions.Latest, ct);
            if (latest is not null && (latest.IsPublished || !publish) && SameContent(latest, definition))
                return new SaveOutcome(latest, AlreadyPublished: publish, []);
            return publish ? await PublishAsync(definition, ct) : new SaveOutcome(await SaveDraftAsync(definition, ct), false, []);
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// Publishes the latest version of a definition (the list screens' Publish).
    public async Task<SaveOutcome?> PublishLatestAsync(string definitionId, CancellationToken ct)
    {
        var latest = await FindAsync(definitionId, ElsaVersionOptions.Latest, ct);
        if (latest is null) return null;
        if (latest.IsPublished) return new SaveOutcome(latest, AlreadyPublished: true, []);
        return await SaveAsync(Parse(latest), publish: true, ct);
    }

    /// Takes the published version out of service and its file out of the workflows folder; null when the definition is unknown.
    public async Task<DefinitionRecord?> RetractAsync(string definitionId, CancellationToken ct)
    {
        await _publishing.WaitAsync(ct);
        try
        {
            if (await definitions.RetractAsync(definitionId, ct) is not null)
            {
                files.Delete(definitionId);
                log.LogInformation("Studio unpublished {DefinitionId}; its file was removed from {Folder}", definitionId, files.Folder);
            }
            return await FindAsync(definitionId, ElsaVersionOptions.Latest, ct);
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// Makes an older version the latest draft again.
    public async Task<DefinitionRecord?> RevertAsync(string definitionId, int version, CancellationToken ct)
    {
        var old = await FindAsync(definitionId, new ElsaVersionOptions("Version", version), ct);
        if (old is null) return null;
        return (await SaveAsync(Parse(old), publish: false, ct)).Definition;
    }

    public static JsonObject Parse(DefinitionRecord record) => WorkflowJson.Parse(record.Json, record.DefinitionId).Document;

    private async Task<DefinitionRecord> SaveDraftAsync(WorkflowDefinition definition, CancellationToken ct)
    {
        var saved = await definitions.SaveAsync(definition, publish: false, ct);
        return await RecordOfAsync(saved, ct);
    }

    private async Task<SaveOutcome> PublishAsync(WorkflowDefinition definition, CancellationToken ct)
    {
        var path = files.PathFor(definition);
        var errors = files.Validate(definition, path);
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
                errors = [new ValidationError(Path.GetFileName(path), null, e.JsonPath, e.Problem)];
            }
        }
        // The analyst's work is kept as a draft; nothing goes live and the file stays as it was.
        return new SaveOutcome(await SaveDraftAsync(definition, ct), false, errors);
    }

    private async Task<DefinitionRecord> RecordOfAsync(WorkflowDefinition saved, CancellationToken ct) =>
        (await VersionsAsync(saved.DefinitionId, ct)).First(v => v.Id == saved.Id);

    private static bool SameContent(DefinitionRecord stored, WorkflowDefinition candidate) =>
        JsonNode.DeepEquals(WithoutVersion(Parse(stored)), WithoutVersion(candidate.Document));

    private static JsonObject WithoutVersion(JsonObject document)
    {
        var copy = (JsonObject)document.DeepClone();
        foreach (var name in VersionProperties) copy.Remove(name);
        return copy;
    }
}

/// What a save did: the version now latest, whether it had been published already, and why a publish was refused.
public sealed record SaveOutcome(DefinitionRecord Definition, bool AlreadyPublished, IReadOnlyList<ValidationError> ValidationErrors);
