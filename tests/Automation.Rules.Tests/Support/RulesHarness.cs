using System.Text.Json.Nodes;
using Automation.Orders.Clients;
using Automation.Orders.Employees;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Rules.Expressions;
using Automation.Rules.Pipeline;
using Automation.Rules.Rules;
using Automation.Testing;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using StoreProvider = Automation.Orders.Persistence.DatabaseProvider;
using WorkflowProvider = Automation.Workflows.Persistence.DatabaseProvider;

namespace Automation.Rules.Tests.Support;

/// The real engine and store in one SQLite file (or a PostgreSQL database), with a clock the test moves.
public sealed class RulesHarness : IAsyncDisposable, IServiceProvider
{
    private readonly TestDatabase _file;
    private readonly WorkflowProvider _provider;
    private readonly bool _ownsDatabase;

    private RulesHarness(TestDatabase file, PipelineOptions? options, WorkflowProvider provider = WorkflowProvider.Sqlite, bool ownsDatabase = true)
    {
        _file = file;
        _provider = provider;
        _ownsDatabase = ownsDatabase;
        Database = new WorkflowDatabase(provider, file.ConnectionString);
        var database = Database;
        Database.AddParticipant((connection, provider) =>
            StoreDb.Create(connection, null, StoreProviders.Of(provider), database.OpenAutonomousAsync, savedAtCommit: true));
        var registry = ActivityRegistry.FromAssemblies(typeof(Start).Assembly, typeof(RuleActivity).Assembly);
        Expressions = ExpressionEngine.CreateDefault(clock: Clock);
        Definitions = new WorkflowDefinitions(Database, registry, Expressions, Clock);
        Engine = new WorkflowEngine(Database, Definitions, Expressions, Timers, this, Clock, [new OrderExpressionModel()]);
        Pipeline = new OrderPipeline(Engine, Clock, options);
        Events = new EventProcessor(Pipeline, Expressions, Clock);
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
    public RecordingTimers Timers { get; } = new();
    public WorkflowDatabase Database { get; }
    public ExpressionEngine Expressions { get; }
    public WorkflowDefinitions Definitions { get; }
    public WorkflowEngine Engine { get; }
    public OrderPipeline Pipeline { get; }
    public EventProcessor Events { get; }

    public static async Task<RulesHarness> StartAsync(PipelineOptions? options = null)
    {
        var harness = new RulesHarness(TestDatabases.NewSqliteFile(), options);
        await harness.Database.MigrateAsync();
        await StoreDatabase.MigrateAsync(harness._file.ConnectionString, StoreProvider.Sqlite, CancellationToken.None);
        return harness;
    }

    /// The same engine and store on a fresh PostgreSQL database.
    public static async Task<RulesHarness> StartPostgresAsync(PipelineOptions? options = null)
    {
        var harness = new RulesHarness(await TestDatabases.PostgresAsync(), options, WorkflowProvider.PostgreSql);
        await harness.Database.MigrateAsync();
        await StoreDatabase.MigrateAsync(harness._file.ConnectionString, StoreProvider.PostgreSql, CancellationToken.None);
        return harness;
    }

    /// A second node on the same database: its own connections, engine, pipeline and event processor (as another
    /// process would have), sharing only the database and the clock. Disposing it leaves the database to this harness.
    public RulesHarness OtherNode(PipelineOptions? options = null)
    {
        var node = new RulesHarness(_file, options, _provider, ownsDatabase: false);
        return node;
    }

    public object? GetService(Type serviceType) => serviceType == typeof(OrderPipeline) ? Pipeline : null;

    public StoreDb Store() => StoreDb.Create(_file.ConnectionString, StoreProviders.Of(_provider));

    /// Publishes one status workflow: Elsa.Start plus the given activities and connections ("a->b"; "start->a").
    public Task PublishStatusAsync(string code, int sort, IEnumerable<(string Id, string Type, object? Inputs)> activities,
        string[] connections, string semantics = "process") =>
        Definitions.SaveAsync(WorkflowJson.Parse(Flow.Json(code, sort, semantics, activities, connections)), publish: true);

    /// Publishes a reusable workflow (no order status), as "Run workflow" starts.
    public Task PublishReusableAsync(string definitionId, IEnumerable<(string Id, string Type, object? Inputs)> activities, string[] connections) =>
        Definitions.SaveAsync(WorkflowJson.Parse(Flow.Json(definitionId, 0, "process", activities, connections, status: false)), publish: true);

    /// Runs the inbox events raised for the order and not processed yet, as the host's inbox processor does.
    public async Task<List<EventOutcome>> ProcessEventsAsync(long orderId)
    {
        List<long> pending;
        await using (var db = Store())
            pending = await db.InboxEvents.Where(e => e.OrderId == orderId && e.ProcessedAt == null).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
        var outcomes = new List<EventOutcome>();
        foreach (var id in pending) outcomes.Add(await Events.ProcessAsync(id));
        return outcomes;
    }

    /// The order's timeline texts of one kind, oldest first.
    public async Task<List<string>> TimelineTextsAsync(long orderId, TimelineKind kind) =>
        (await TimelineAsync(orderId)).Where(e => e.Kind == kind).Select(e => e.Text).ToList();

    public Task<Order> CreateOrderAsync(decimal amount = 100m, long? responsibleId = null) =>
        Pipeline.CreateOrderAsync(new NewOrder
        {
            Client = new NewClient("Ann Buyer", "ann@example.com"),
            Status = "",
            Currency = "EUR",
            Amount = amount,
            ResponsibleId = responsibleId,
        });

    public async Task<Order> OrderAsync(long id)
    {
        await using var db = Store();
        return await db.Orders.AsNoTracking().FirstAsync(o => o.Id == id);
    }

    public async Task<List<TimelineEntry>> TimelineAsync(long orderId)
    {
        await using var db = Store();
        return await db.TimelineEntries.AsNoTracking().Where(e => e.OrderId == orderId).OrderBy(e => e.Id).ToListAsync();
    }

    /// The run journal of an order: its instances' lines oldest first.
    public async Task<List<JournalRecord>> JournalAsync(long orderId)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, Database.Provider);
        var correlation = OrderPipeline.OrderIdText(orderId);
        return await db.Journal.Where(j => j.CorrelationId == correlation).OrderBy(j => j.Id).ToListAsync();
    }

    public async Task<List<string>> RanAsync(long orderId) =>
        (await JournalAsync(orderId)).Where(j => j.Event == JournalEvents.Completed && j.Data is { } d && JsonNode.Parse(d)?["skipped"] is null
            && j.ActivityType.StartsWith("Automation.", StringComparison.Ordinal)).Select(j => j.ActivityId).ToList();

    public async Task<Employee> EmployeeAsync(string name, long? managerId = null, string? phone = null, bool absent = false)
    {
        await using var db = Store();
        var directory = new EmployeeDirectory(db);
        var employee = await directory.CreateAsync(new NewEmployee(name, $"{name.ToLowerInvariant()}@shop.test", phone, managerId), CancellationToken.None);
        return absent ? await directory.UpdateAsync(employee.Id, new EmployeePatch(IsAbsent: true), CancellationToken.None) : employee;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        if (!_ownsDatabase) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _file.Dispose();
    }
}

/// Elsa 3 status workflow JSON for tests.
public static class Flow
{
    /// An input value written as a Liquid expression (other inputs are Literal).
    public static object Liquid(string template) => new Dictionary<string, string> { [LiquidMarker] = template };

    private const string LiquidMarker = "$liquid";

    public static string Json(string code, int sort, string semantics, IEnumerable<(string Id, string Type, object? Inputs)> activities, string[] connections,
        bool status = true)
    {
        var list = new JsonArray { new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 } };
        foreach (var (id, type, inputs) in activities)
        {
            var activity = new JsonObject { ["id"] = id, ["name"] = id, ["type"] = type, ["version"] = 1 };
            if (inputs is not null)
                foreach (var (name, value) in System.Text.Json.JsonSerializer.SerializeToNode(inputs)!.AsObject())
                    activity[name] = value is JsonObject o && o[LiquidMarker] is { } template
                        ? new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = template.DeepClone() } }
                        : new JsonObject { ["typeName"] = "Object", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value?.DeepClone() } };
            list.Add(activity);
        }
        var links = new JsonArray();
        foreach (var c in connections)
        {
            var parts = c.Split("->");
            links.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = parts[0], ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = parts[1], ["port"] = "In" },
            });
        }
        return new JsonObject
        {
            ["id"] = code + "-v1",
            ["definitionId"] = code,
            ["name"] = code,
            ["version"] = 1,
            ["variables"] = new JsonArray(),
            ["customProperties"] = status
                ? new JsonObject { ["orderStatus"] = new JsonObject { ["code"] = code, ["name"] = code, ["sort"] = sort, ["semantics"] = semantics } }
                : new JsonObject(),
            ["root"] = new JsonObject { ["id"] = "flow1", ["type"] = "Elsa.Flowchart", ["version"] = 1, ["activities"] = list, ["connections"] = links },
        }.ToJsonString();
    }
}
