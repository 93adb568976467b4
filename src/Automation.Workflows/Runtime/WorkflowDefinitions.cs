using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Automation.Workflows.Activities;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Runtime;

/// Definition versions as Elsa numbers them (draft, latest, published), publishing with trigger indexing, and the
/// cache of compiled versions that running instances use.
public sealed class WorkflowDefinitions(WorkflowDatabase database, ActivityRegistry registry, ExpressionEngine expressions,
    TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, CompiledWorkflow> _compiled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _publishedVersion = new(StringComparer.Ordinal);

    /// Saves a definition as the latest draft (a new version when the latest is published), and publishes it when asked.
    public async Task<WorkflowDefinition> SaveAsync(WorkflowDefinition definition, bool publish, CancellationToken ct = default)
    {
        await using var work = await database.BeginAsync(ct);
        var saved = await SaveAsync(work, definition, publish, ct);
        await work.CommitAsync(ct);
        return saved;
    }

    public async Task<WorkflowDefinition> SaveAsync(StepUnitOfWork work, WorkflowDefinition definition, bool publish, CancellationToken ct)
    {
        var doc = definition.Clone();
        if (string.IsNullOrWhiteSpace(doc.DefinitionId)) doc.DefinitionId = Ids.NewShort();
        if (publish) CompiledWorkflow.Compile(doc, registry);
        var db = work.Workflows;
        var versions = await db.Definitions.AsTracking().Where(d => d.DefinitionId == doc.DefinitionId).ToListAsync(ct);
        var latest = versions.OrderByDescending(v => v.Version).FirstOrDefault();
        DefinitionRecord record;
        if (latest is { IsPublished: false })
        {
            record = latest;
        }
        else
        {
            record = new DefinitionRecord { Id = Ids.NewShort(), DefinitionId = doc.DefinitionId, Json = "", CreatedAt = clock.GetUtcNow() };
            record.Version = (latest?.Version ?? 0) + 1;
            db.Definitions.Add(record);
        }
        foreach (var v in versions.Where(v => v != record)) v.IsLatest = false;
        if (publish) foreach (var v in versions.Where(v => v != record)) v.IsPublished = false;
        doc.Id = record.Id;
        doc.Version = record.Version;
        doc.IsLatest = true;
        doc.IsPublished = publish || record.IsPublished;
        doc.Document.Remove("links");
        record.Name = doc.Name;
        record.IsLatest = true;
        record.IsPublished = doc.IsPublished;
        record.Json = WorkflowJson.WriteCompact(doc.Document);
        if (publish) await IndexTriggersAsync(work, doc, ct);
        work.AfterCommit(_ => { _publishedVersion.TryRemove(doc.DefinitionId, out string? _); return Task.CompletedTask; });
        return doc;
    }

    /// Takes the published version out of service: new instances can no longer start from it.
    public async Task<WorkflowDefinition?> RetractAsync(string definitionId, CancellationToken ct = default)
    {
        await using var work = await database.BeginAsync(ct);
        var published = await work.Workflows.Definitions.AsTracking()
            .FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.IsPublished, ct);
        if (published is null) return null;
        published.IsPublished = false;
        var doc = WorkflowJson.Parse(published.Json, definitionId);
        doc.IsPublished = false;
        published.Json = WorkflowJson.WriteCompact(doc.Document);
        await work.Workflows.Triggers.Where(t => t.DefinitionId == definitionId).ExecuteDeleteAsync(ct);
        await work.CommitAsync(ct);
        _publishedVersion.TryRemove(definitionId, out string? _);
        return doc;
    }

    public async Task<WorkflowDefinition?> GetAsync(string definitionId, VersionOptions options, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var query = db.Definitions.Where(d => d.DefinitionId == definitionId);
        query = options.Kind switch
        {
            VersionKind.Published => query.Where(d => d.IsPublished),
            VersionKind.Specific => query.Where(d => d.Version == options.Version),
            VersionKind.LatestOrPublished => query.Where(d => d.IsLatest || d.IsPublished),
            _ => query.Where(d => d.IsLatest),
        };
        var record = await query.OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
        return record is null ? null : WorkflowJson.Parse(record.Json, definitionId);
    }

    public async Task<IReadOnlyList<DefinitionRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await db.Definitions.OrderBy(d => d.DefinitionId).ThenBy(d => d.Version).ToListAsync(ct);
    }

    /// The compiled published version of a definition, or null when none is published.
    public async Task<CompiledWorkflow?> GetPublishedAsync(string definitionId, CancellationToken ct = default)
    {
        if (_publishedVersion.TryGetValue(definitionId, out var versionId)) return await GetVersionAsync(versionId, ct);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var id = await db.Definitions.Where(d => d.DefinitionId == definitionId && d.IsPublished).Select(d => d.Id).FirstOrDefaultAsync(ct);
        if (id is null) return null;
        _publishedVersion[definitionId] = id;
        return await GetVersionAsync(id, ct);
    }

    /// A specific version, compiled once and cached: instances finish on the version they started with.
    public async Task<CompiledWorkflow> GetVersionAsync(string versionId, CancellationToken ct = default)
    {
        if (_compiled.TryGetValue(versionId, out var cached)) return cached;
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var record = await db.Definitions.FirstOrDefaultAsync(d => d.Id == versionId, ct)
            ?? throw new InvalidOperationException($"Workflow definition version '{versionId}' does not exist.");
        return _compiled.GetOrAdd(versionId, _ => CompiledWorkflow.Compile(WorkflowJson.Parse(record.Json, record.DefinitionId), registry));
    }

    /// Stored triggers of this stimulus name and payload, found through the hash index.
    public async Task<IReadOnlyList<TriggerRecord>> FindTriggersAsync(string name, object? payload, CancellationToken ct = default)
    {
        var hash = StimulusHash.Compute(name, payload);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await db.Triggers.Where(t => t.Hash == hash).ToListAsync(ct);
    }

    /// Every stored trigger of one activity type (for triggers whose match is richer than equality, e.g. a URL prefix).
    public async Task<IReadOnlyList<TriggerRecord>> FindTriggersByNameAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await db.Triggers.Where(t => t.Name == name).ToListAsync(ct);
    }

    private async Task IndexTriggersAsync(StepUnitOfWork work, WorkflowDefinition doc, CancellationToken ct)
    {
        await work.Workflows.Triggers.Where(t => t.DefinitionId == doc.DefinitionId).ExecuteDeleteAsync(ct);
        var compiled = CompiledWorkflow.Compile(doc, registry);
        var step = new WorkflowStep(compiled, new WorkflowInstanceInfo("", doc.DefinitionId, doc.Id, doc.Version, null),
            new InstanceState(), work, expressions, EmptyServices.Instance, clock, ct);
        foreach (var activity in compiled.Activities)
        {
            if (activity.GetType().GetCustomAttributes(typeof(ActivityAttribute), false) is not [ActivityAttribute { Kind: ActivityKind.Trigger }]) continue;
            var context = new ActivityContext(step, activity, null, null);
            var payloads = activity.GetTriggerPayloads(context).DefaultIfEmpty(null);
            foreach (var payload in payloads)
            {
                work.Workflows.Triggers.Add(new TriggerRecord
                {
                    DefinitionId = doc.DefinitionId,
                    DefinitionVersionId = doc.Id,
                    Name = activity.Node.Type,
                    Hash = StimulusHash.Compute(activity.Node.Type, payload),
                    ActivityId = activity.Id,
                    Payload = StimulusHash.PayloadJson(payload),
                });
            }
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}

/// Which version of a definition to read: Elsa's `versionOptions` (`Latest`, `Published`, `LatestOrPublished`, or a number).
public readonly record struct VersionOptions(VersionKind Kind, int Version = 0)
{
    public static readonly VersionOptions Latest = new(VersionKind.Latest);
    public static readonly VersionOptions Published = new(VersionKind.Published);

    public static VersionOptions Parse(string? text) => text?.Trim() switch
    {
        null or "" => Latest,
        var t when int.TryParse(t, out var n) => new VersionOptions(VersionKind.Specific, n),
        var t when t.Equals("Published", StringComparison.OrdinalIgnoreCase) => Published,
        var t when t.Equals("LatestOrPublished", StringComparison.OrdinalIgnoreCase) => new VersionOptions(VersionKind.LatestOrPublished),
        _ => Latest,
    };
}

public enum VersionKind { Latest, Published, LatestOrPublished, Specific }
