using System.Text.Json.Nodes;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;

namespace Automation.Bench;

/// An engine on a fresh SQLite file, as the service runs it (timers recorded, not scheduled: no timers here).
internal sealed class EngineBench : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "automation-bench-" + Guid.NewGuid().ToString("N"));

    private EngineBench() { }

    public WorkflowDatabase Database { get; private set; } = null!;
    public WorkflowEngine Engine { get; private set; } = null!;
    public string DbFile => Path.Combine(_directory, "bench.db");

    public static async Task<EngineBench> CreateAsync()
    {
        var bench = new EngineBench();
        Directory.CreateDirectory(bench._directory);
        bench.Database = new WorkflowDatabase(DatabaseProvider.Sqlite, $"Data Source={bench.DbFile}");
        await bench.Database.MigrateAsync();
        var registry = ActivityRegistry.FromAssemblies(typeof(Start).Assembly);
        var expressions = ExpressionEngine.CreateDefault();
        var definitions = new WorkflowDefinitions(bench.Database, registry, expressions, TimeProvider.System);
        bench.Engine = new WorkflowEngine(bench.Database, definitions, expressions, new NoTimers(), new NoServices(), TimeProvider.System, []);
        return bench;
    }

    public Task PublishAsync(string definitionId, IEnumerable<JsonObject> activities)
    {
        var list = activities.ToList();
        var connections = new JsonArray(list.Zip(list.Skip(1), (a, b) => (JsonNode)new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = a["id"]!.GetValue<string>(), ["port"] = "Done" },
            ["target"] = new JsonObject { ["activity"] = b["id"]!.GetValue<string>(), ["port"] = "In" },
        }).ToArray());
        var doc = new JsonObject
        {
            ["definitionId"] = definitionId,
            ["version"] = 1,
            ["root"] = new JsonObject { ["id"] = "flow", ["type"] = "Elsa.Flowchart", ["version"] = 1, ["activities"] = new JsonArray(list.ToArray()), ["connections"] = connections },
        };
        return Engine.Definitions.SaveAsync(new WorkflowDefinition(doc), publish: true);
    }

    public static JsonObject Activity(string id, string type, string? input = null, string? value = null, string syntax = "Literal")
    {
        var json = new JsonObject { ["id"] = id, ["type"] = type, ["version"] = 1 };
        if (input is not null)
            json[input] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = value } };
        return json;
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Delay(50);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private sealed class NoTimers : ITimerScheduler
    {
        public Task ScheduleAsync(IReadOnlyList<(string BookmarkId, DateTimeOffset At)> timers, CancellationToken ct) => Task.CompletedTask;
        public Task CancelAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
