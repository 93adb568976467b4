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

    // Properties the store assigns per version: two versions with the same content differ only in these.
    private static readonly string[] VersionProperties = ["id", "version", "isLatest", "isPublished", "createdAt", "links", "$schema"];

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
        // Unchanged content makes no new version: saving the latest again, or publishing what is already published.
        if (latest is not null && (latest.IsPublished || !publish) && SameContent(WorkflowJson.Parse(latest.Json, latest.DefinitionId), doc))
            return WorkflowJson.Parse(latest.Json, latest.DefinitionId);
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

    /// Whether two documents say the same thing, apart from what the store assigns per version (id, version, flags, date).
    public static bool SameContent(WorkflowDefinition a, WorkflowDefinition b) =>
        JsonNode.DeepEquals(WithoutVersion(a.Document), WithoutVersion(b.Document));

    private static JsonObject WithoutVersion(JsonObject document)
    {
        var copy = (JsonObject)document.DeepClone();
        foreach (var name in VersionProperties) copy.Remove(name);
        return copy;
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

    /// The newest version of a definition that matches <paramref name="options"/>, or null.
    public async Task<WorkflowDefinition?> GetAsync(string definitionId, VersionOptions options, CancellationToken ct = default) =>
        await FindAsync(definitionId, options, ct) is { } record ? WorkflowJson.Parse(record.Json, definitionId) : null;

    /// The newest stored version of a definition that matches <paramref name="options"/>, or null.
    public async Task<DefinitionRecord?> FindAsync(string definitionId, VersionOptions options, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await options.Apply(db.Definitions.Where(d => d.DefinitionId == definitionId))
            .OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
    }

    /// The versions of one definition that match <paramref name="options"/>, newest first (one query on that definition only).
    public async Task<IReadOnlyList<DefinitionRecord>> VersionsAsync(string definitionId, VersionOptions options, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await options.Apply(db.Definitions.Where(d => d.DefinitionId == definitionId))
            .OrderByDescending(d => d.Version).ToListAsync(ct);
    }

    /// One stored version by its id, or null.
    public async Task<DefinitionRecord?> FindVersionAsync(string versionId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await db.Definitions.FirstOrDefaultAsync(d => d.Id == versionId, ct);
    }

    /// Every stored version, by definition and version.
    public Task<IReadOnlyList<DefinitionRecord>> ListAsync(CancellationToken ct = default) => ListAsync(VersionOptions.AllVersions, ct);

    /// The stored versions of every definition that match <paramref name="options"/>, by definition and version.
    public async Task<IReadOnlyList<DefinitionRecord>> ListAsync(VersionOptions options, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await options.Apply(db.Definitions).OrderBy(d => d.DefinitionId).ThenBy(d => d.Version).ToListAsync(ct);
    }

    /// Deletes stored versions with their triggers; a published one stops starting instances. The newest version left
    /// of each definition becomes its latest. Refuses, deleting nothing, while an unfinished instance runs on one of
    /// them (it would have nothing to resume on). Returns the deleted versions.
    public async Task<IReadOnlyList<DefinitionRecord>> DeleteVersionsAsync(IReadOnlyCollection<string> versionIds, CancellationToken ct = default)
    {
        var ids = versionIds.Distinct(StringComparer.Ordinal).ToList();
        await using var work = await database.BeginAsync(ct);
        var db = work.Workflows;
        var doomed = await db.Definitions.AsTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        if (doomed.Count == 0) return [];
        var doomedIds = doomed.Select(d => d.Id).ToList();
        var running = await db.Instances.Where(i => doomedIds.Contains(i.DefinitionVersionId) && i.FinishedAt == null)
            .GroupBy(i => i.DefinitionVersionId).Select(g => new { VersionId = g.Key, Count = g.Count() }).ToListAsync(ct);
        if (running.Count > 0)
            throw new DefinitionInUseException(running.Select(r =>
            {
                var version = doomed.First(d => d.Id == r.VersionId);
                return $"{version.DefinitionId} v{version.Version} has {r.Count} unfinished instance(s)";
            }).ToList());
        await db.Triggers.Where(t => doomedIds.Contains(t.DefinitionVersionId)).ExecuteDeleteAsync(ct);
        db.Definitions.RemoveRange(doomed);
        var definitionIds = doomed.Select(d => d.DefinitionId).Distinct().ToList();
        var left = await db.Definitions.AsTracking().Where(d => definitionIds.Contains(d.DefinitionId) && !doomedIds.Contains(d.Id)).ToListAsync(ct);
        foreach (var group in left.GroupBy(d => d.DefinitionId))
        {
            var newest = group.MaxBy(d => d.Version)!;
            foreach (var v in group) v.IsLatest = v == newest;
        }
        await work.CommitAsync(ct);
        foreach (var definitionId in definitionIds) _publishedVersion.TryRemove(definitionId, out string? _);
        foreach (var id in doomedIds) _compiled.TryRemove(id, out _);
        return doomed;
    }

    /// The compiled published version of a definition, or null when none is published. Inside a unit of work, pass it:
    /// a version not cached yet is then read through the unit's connection (see <see cref="GetVersionAsync(string, StepUnitOfWork?, CancellationToken)"/>).
    public Task<CompiledWorkflow?> GetPublishedAsync(string definitionId, CancellationToken ct = default) => GetPublishedAsync(definitionId, null, ct);

    /// <inheritdoc cref="GetPublishedAsync(string, CancellationToken)"/>
    public async Task<CompiledWorkflow?> GetPublishedAsync(string definitionId, StepUnitOfWork? work, CancellationToken ct = default)
    {
        if (_publishedVersion.TryGetValue(definitionId, out var versionId)) return await GetVersionAsync(versionId, work, ct);
        var id = await ReadAsync(work, db => db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId && d.IsPublished)
            .Select(d => d.Id).FirstOrDefaultAsync(ct), ct);
        if (id is null) return null;
        _publishedVersion[definitionId] = id;
        return await GetVersionAsync(id, work, ct);
    }

    /// A specific version, compiled once and cached: instances finish on the version they started with. Inside a unit
    /// of work, pass it: on PostgreSQL a second pooled connection taken while the unit holds one can wait for ever when
    /// every connection is held by a unit doing the same (a burst of events right after start-up or a publish).
    public Task<CompiledWorkflow> GetVersionAsync(string versionId, CancellationToken ct = default) => GetVersionAsync(versionId, null, ct);

    /// <inheritdoc cref="GetVersionAsync(string, CancellationToken)"/>
    public async Task<CompiledWorkflow> GetVersionAsync(string versionId, StepUnitOfWork? work, CancellationToken ct = default)
    {
        if (_compiled.TryGetValue(versionId, out var cached)) return cached;
        var record = await ReadAsync(work, db => db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == versionId, ct), ct)
            ?? throw new InvalidOperationException($"Workflow definition version '{versionId}' does not exist.");
        return _compiled.GetOrAdd(versionId, _ => CompiledWorkflow.Compile(WorkflowJson.Parse(record.Json, record.DefinitionId), registry));
    }

    // A read through the unit's own connection when there is one, else through a connection of its own.
    private async Task<T> ReadAsync<T>(StepUnitOfWork? work, Func<WorkflowDb, Task<T>> read, CancellationToken ct)
    {
        if (work is not null) return await read(work.Workflows);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var db = WorkflowDb.Create(connection, database.Provider);
        return await read(db);
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

/// Which versions of a definition to read, as Elsa's `versionOptions` names them: `Latest`, `Published`,
/// `LatestOrPublished`, `LatestAndPublished`, `Draft` (not published), `AllVersions`, or a version number.
public readonly record struct VersionOptions(VersionKind Kind, int Version = 0)
{
    public static readonly VersionOptions Latest = new(VersionKind.Latest);
    public static readonly VersionOptions Published = new(VersionKind.Published);
    public static readonly VersionOptions LatestOrPublished = new(VersionKind.LatestOrPublished);
    public static readonly VersionOptions LatestAndPublished = new(VersionKind.LatestAndPublished);
    public static readonly VersionOptions Draft = new(VersionKind.Draft);
    public static readonly VersionOptions AllVersions = new(VersionKind.AllVersions);

    public static VersionOptions SpecificVersion(int version) => new(VersionKind.Specific, version);

    /// Reads the options from text in any case (also `Version:3`); blank gives <paramref name="fallback"/>, text that
    /// names no option gives null.
    public static VersionOptions? Parse(string? text, VersionOptions fallback)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return fallback;
        if (t.StartsWith("Version:", StringComparison.OrdinalIgnoreCase)) t = t["Version:".Length..];
        if (int.TryParse(t, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return SpecificVersion(number);
        return Enum.GetValues<VersionKind>().Where(k => k != VersionKind.Specific).Select(k => (VersionKind?)k)
            .FirstOrDefault(k => k.ToString()!.Equals(t, StringComparison.OrdinalIgnoreCase)) is { } kind ? new VersionOptions(kind) : null;
    }

    public bool Matches(DefinitionRecord version) => Kind switch
    {
        VersionKind.Published => version.IsPublished,
        VersionKind.LatestOrPublished => version.IsLatest || version.IsPublished,
        VersionKind.LatestAndPublished => version.IsLatest && version.IsPublished,
        VersionKind.Draft => !version.IsPublished,
        VersionKind.AllVersions => true,
        VersionKind.Specific => version.Version == Version,
        _ => version.IsLatest,
    };

    /// The same filter as <see cref="Matches"/>, for the database.
    public IQueryable<DefinitionRecord> Apply(IQueryable<DefinitionRecord> query)
    {
        var number = Version;
        return Kind switch
        {
            VersionKind.Published => query.Where(d => d.IsPublished),
            VersionKind.LatestOrPublished => query.Where(d => d.IsLatest || d.IsPublished),
            VersionKind.LatestAndPublished => query.Where(d => d.IsLatest && d.IsPublished),
            VersionKind.Draft => query.Where(d => !d.IsPublished),
            VersionKind.AllVersions => query,
            VersionKind.Specific => query.Where(d => d.Version == number),
            _ => query.Where(d => d.IsLatest),
        };
    }

    public override string ToString() =>
        Kind == VersionKind.Specific ? Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : Kind.ToString();
}

public enum VersionKind { Latest, Published, LatestOrPublished, LatestAndPublished, Draft, AllVersions, Specific }

/// Versions cannot be deleted while instances still run on them; the message names each one.
public sealed class DefinitionInUseException(IReadOnlyList<string> reasons)
    : InvalidOperationException($"Cannot delete: {string.Join("; ", reasons)}.")
{
    public IReadOnlyList<string> Reasons { get; } = reasons;
}
