using System.Text.Json.Nodes;
using Automation.Testing;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Tests.Runtime;

/// A real engine on a SQLite file (or PostgreSQL) with a clock the test moves.
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly IDisposable? _cleanup;

    private EngineHarness(WorkflowDatabase database, IDisposable? cleanup)
    {
        _cleanup = cleanup;
        Database = database;
        Registry = ActivityRegistry.FromAssemblies(typeof(Start).Assembly, typeof(EngineHarness).Assembly);
        Expressions = ExpressionEngine.CreateDefault();
        Definitions = new WorkflowDefinitions(database, Registry, Expressions, Clock);
        Engine = new WorkflowEngine(database, Definitions, Expressions, Timers, new EmptyServices(), Clock, []);
    }

    public WorkflowDatabase Database { get; }
    public ActivityRegistry Registry { get; }
    public ExpressionEngine Expressions { get; }
    public WorkflowDefinitions Definitions { get; }
    public WorkflowEngine Engine { get; }
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
    public RecordingTimers Timers { get; } = new();

    public const long SqliteLogLimitBytes = 32L << 20;

    public static async Task<EngineHarness> SqliteAsync()
    {
        var file = TestDatabases.NewSqliteFile();
        // A small log limit (the default is 128 MB): tests of the checkpoints reach it in a few thousand commits.
        var harness = new EngineHarness(new WorkflowDatabase(DatabaseProvider.Sqlite, file.ConnectionString, SqliteLogLimitBytes), file);
        await harness.Database.MigrateAsync();
        return harness;
    }

    public static async Task<EngineHarness> PostgresAsync()
    {
        var database = await TestDatabases.PostgresAsync();
        var harness = new EngineHarness(new WorkflowDatabase(DatabaseProvider.PostgreSql, database.ConnectionString), database);
        await harness.Database.MigrateAsync();
        return harness;
    }

    /// Another node on the same database: its own connections, definitions cache, engine and in-process instance locks.
    public (WorkflowDatabase Database, WorkflowEngine Engine) SecondNode()
    {
        var database = new WorkflowDatabase(Database.Provider, Database.ConnectionString);
        var engine = new WorkflowEngine(database, new WorkflowDefinitions(database, Registry, Expressions, Clock), Expressions, Timers,
            new EmptyServices(), Clock, []);
        return (database, engine);
    }

    public Task<WorkflowDefinition> PublishAsync(string json) => Definitions.SaveAsync(WorkflowJson.Parse(json), publish: true);

    /// The journal of an instance, oldest first, as "activityId:Event".
    public async Task<List<string>> JournalAsync(string instanceId, params string[] events)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, Database.Provider);
        var lines = await db.Journal.Where(j => j.InstanceId == instanceId).OrderBy(j => j.Id).ToListAsync();
        return lines.Where(j => events.Length == 0 || events.Contains(j.Event)).Select(j => $"{j.ActivityId}:{j.Event}").ToList();
    }

    public async Task<JournalRecord> JournalEntryAsync(string instanceId, string activityId)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, Database.Provider);
        return await db.Journal.Where(j => j.InstanceId == instanceId && j.ActivityId == activityId).OrderByDescending(j => j.Id).FirstAsync();
    }

    public async Task<int> BookmarkCountAsync(string? instanceId = null)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, Database.Provider);
        return await db.Bookmarks.CountAsync(b => instanceId == null || b.InstanceId == instanceId);
    }

    /// Leaves an instance as a node that died after committing mid-step would: `Running`, these activities queued,
    /// nothing waiting, last updated at <paramref name="updatedAt"/>.
    public async Task StrandAsync(string instanceId, DateTimeOffset updatedAt, params string[] queued)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, Database.Provider);
        var record = await db.Instances.AsTracking().SingleAsync(i => i.Id == instanceId);
        var state = InstanceStore.ReadState(record.State);
        state.Waiting.Clear();
        state.Queue.AddRange(queued);
        record.Status = nameof(WorkflowStatus.Running);
        record.State = InstanceStore.WriteState(state);
        record.UpdatedAt = updatedAt;
        db.Bookmarks.RemoveRange(db.Bookmarks.Where(b => b.InstanceId == instanceId));
        await db.SaveChangesAsync();
    }

    public async Task<InstanceState> StateAsync(string instanceId)
    {
        var record = await Engine.GetInstanceAsync(instanceId);
        return System.Text.Json.JsonSerializer.Deserialize<InstanceState>(record!.State, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _cleanup?.Dispose();
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}

/// Writes Elsa 3 workflow JSON for tests: activities as (id, type, inputs) and connections as "a->b" or "a:Port->b".
public static class Flow
{
    public static string Json(string definitionId, IEnumerable<(string Id, string Type, object? Inputs)> activities, params string[] connections)
    {
        var list = new JsonArray();
        foreach (var (id, type, inputs) in activities)
        {
            var activity = new JsonObject { ["id"] = id, ["nodeId"] = $"Workflow1:flow1:{id}", ["name"] = id, ["type"] = type, ["version"] = 1 };
            if (inputs is not null)
                foreach (var (name, value) in System.Text.Json.JsonSerializer.SerializeToNode(inputs)!.AsObject())
                    activity[name] = value is JsonObject { } o && o.ContainsKey("expression") ? o.DeepClone()
                        : new JsonObject { ["typeName"] = "Object", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value?.DeepClone() } };
            list.Add(activity);
        }
        var links = new JsonArray();
        foreach (var c in connections)
        {
            var parts = c.Split("->");
            var source = parts[0].Split(':');
            links.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = source[0], ["port"] = source.Length > 1 ? source[1] : "Done" },
                ["target"] = new JsonObject { ["activity"] = parts[1], ["port"] = "In" },
                ["vertices"] = new JsonArray(),
            });
        }
        var doc = new JsonObject
        {
            ["id"] = definitionId + "-v1",
            ["definitionId"] = definitionId,
            ["name"] = definitionId,
            ["version"] = 1,
            ["variables"] = new JsonArray(),
            ["customProperties"] = new JsonObject(),
            ["root"] = new JsonObject
            {
                ["id"] = "flow1",
                ["type"] = "Elsa.Flowchart",
                ["version"] = 1,
                ["activities"] = list,
                ["connections"] = links,
            },
        };
        return doc.ToJsonString();
    }

    public static object Expr(string type, string value) => new { typeName = "Object", expression = new { type, value } };
}
