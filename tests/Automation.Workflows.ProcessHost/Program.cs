using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Scheduling;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

// Usage: ProcessHost <sqlite-file> <instances-to-start>
// Runs a multi-step workflow (activities separated by durable delays) on the engine with Quartz timers, and exits 0
// once every instance has finished. The durability test kills it mid-way and starts it again with 0.
var file = args[0];
var toStart = int.Parse(args[1]);
var connectionString = $"Data Source={file}";

var builder = WebApplication.CreateSlimBuilder();
// It serves nothing: a free loopback port, so a taken default port (5000) on the machine cannot stop it.
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var database = new WorkflowDatabase(DatabaseProvider.Sqlite, connectionString);
await database.MigrateAsync();
builder.Services.AddSingleton(database);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(ActivityRegistry.FromAssemblies(typeof(Start).Assembly));
builder.Services.AddSingleton(_ => ExpressionEngine.CreateDefault());
builder.Services.AddSingleton<WorkflowDefinitions>();
builder.Services.AddSingleton<WorkflowEngine>();
builder.Services.AddSingleton<IEnumerable<IExpressionModelContributor>>([]);
builder.Services.AddWorkflowTimers(DatabaseProvider.Sqlite, connectionString);
var app = builder.Build();
await app.StartAsync();

var engine = app.Services.GetRequiredService<WorkflowEngine>();
await app.Services.GetRequiredService<QuartzTimerScheduler>().ReconcileAsync(database, default);
await engine.RecoverAsync();

if (toStart > 0)
{
    var steps = new List<string> { "start" };
    var flow = new JsonArray(new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 });
    for (var i = 1; i <= 4; i++)
    {
        flow.Add(Activity($"a{i}", "Elsa.WriteLine", "text", $"step {i}"));
        steps.Add($"a{i}");
        if (i == 4) break;
        flow.Add(Activity($"d{i}", "Elsa.Delay", "timeSpan", "00:00:00.400"));
        steps.Add($"d{i}");
    }
    var connections = new JsonArray(steps.Zip(steps.Skip(1), (a, b) => (JsonNode)new JsonObject
    {
        ["source"] = new JsonObject { ["activity"] = a, ["port"] = "Done" },
        ["target"] = new JsonObject { ["activity"] = b, ["port"] = "In" },
    }).ToArray());
    var json = new JsonObject
    {
        ["id"] = "crash-1",
        ["definitionId"] = "crash",
        ["version"] = 1,
        ["root"] = new JsonObject { ["id"] = "flow", ["type"] = "Elsa.Flowchart", ["version"] = 1, ["activities"] = flow, ["connections"] = connections },
    }.ToJsonString();
    await engine.Definitions.SaveAsync(WorkflowJson.Parse(json), publish: true);
    for (var i = 0; i < toStart; i++) await engine.StartAsync(new StartWorkflow("crash", $"c{i}"));
    Console.WriteLine("started");
}

while (true)
{
    await using (var connection = await database.OpenConnectionAsync())
    await using (var db = WorkflowDb.Create(connection, database.Provider))
    {
        if (await db.Instances.CountAsync(i => i.Status != "Finished") == 0) break;
    }
    await Task.Delay(100);
}
Console.WriteLine("all-finished");
await app.StopAsync();

static JsonObject Activity(string id, string type, string input, string value) => new()
{
    ["id"] = id,
    ["type"] = type,
    ["version"] = 1,
    [input] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value } },
};
