using System.Net;
using System.Net.Http.Json;
using Automation.Reliability.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Automation.Reliability.Tests;

/// Nodes starting together on one database, and a node stopping gracefully (docs/operations.md).
[Collection(nameof(ReliabilityTests))]
public sealed class NodeLifecycleTests
{
    [Fact]
    public async Task Two_nodes_starting_together_on_a_fresh_PostgreSQL_database_prepare_it_once_and_join_one_scheduler_cluster()
    {
        using var database = await TestDatabases.PostgresAsync();
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSQL",
            ["ConnectionStrings__Automation"] = database.ConnectionString,
            ["Mail__Listener__Port"] = "0",
        };
        // The repository's workflows, as a deployment would ship them to every node.
        var shipped = Directory.EnumerateFiles(Path.Combine(NodeProcess.RepositoryRoot(), "workflows"), "*.json")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText);
        await using var one = NodeProcess.Create("one", shipped, settings);
        await using var two = NodeProcess.Create("two", shipped, settings);

        await Task.WhenAll(one.StartAsync(), two.StartAsync());

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var workflows = WorkflowDb.Create(connection, DatabaseProvider.PostgreSql))
        {
            var versions = await workflows.Definitions.GroupBy(d => d.DefinitionId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            Assert.Equal(shipped.Keys.Order(), versions.Select(v => v.Key).Order());
            Assert.All(versions, v => Assert.Equal(1, v.Count));
        }
        // Both schedulers check in to the one clustered job store (every 5 s).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long nodes = 0;
        while (DateTime.UtcNow < deadline && nodes < 2)
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = 'automation'", connection);
            nodes = (long)(await count.ExecuteScalarAsync())!;
            if (nodes < 2) await Task.Delay(500);
        }
        Assert.Equal(2, nodes);
        var order = await (await one.Client.PostAsJsonAsync("/api/orders", NewOrder())).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
        var seenByTwo = await two.Client.GetAsync($"/api/orders/{order!["id"]}");
        Assert.Equal(HttpStatusCode.OK, seenByTwo.StatusCode);
    }

    [Fact]
    public async Task A_node_on_PostgreSQL_without_a_configured_API_key_refuses_to_start_and_names_the_setting()
    {
        using var database = await TestDatabases.PostgresAsync();
        await using var node = NodeProcess.Create("keyless", LoadWorkflows.Files(), new Dictionary<string, string>
        {
            ["Database__Provider"] = "PostgreSQL",
            ["ConnectionStrings__Automation"] = database.ConnectionString,
            ["Mail__Listener__Port"] = "0",
            ["Security__ApiKey"] = "",
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartAsync());
        Assert.Contains("exited with code 1", refused.Message);
        Assert.Contains("Not starting", refused.Message);
        Assert.Contains("Security:ApiKey", refused.Message);
    }

    [Fact]
    public async Task SIGTERM_lets_the_step_in_hand_finish_and_commit_stops_taking_work_and_exits_0()
    {
        await using var slow = await SlowEndpoint.StartAsync(TimeSpan.FromSeconds(3));
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("call", "Elsa.SendHttpRequest", new { url = slow.Url })
                .Add("after", "Elsa.WriteLine", new { text = "after the call" })
                .Connect("start->call", "call->after"),
        };
        using var database = TestDatabases.NewSqliteFile("graceful.db");
        await using var node = NodeProcess.Create("graceful", workflows, new Dictionary<string, string>
        {
            ["ConnectionStrings__Automation"] = database.ConnectionString,
            ["Mail__Listener__Port"] = "0",
        });
        await node.StartAsync();

        var creating = node.Client.PostAsJsonAsync("/api/orders", NewOrder());
        await slow.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stopping = node.TerminateAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        // The node takes no new work while it finishes: a new connection is refused (or told it is unavailable).
        using (var newcomer = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(5) })
        {
            var refused = await Record.ExceptionAsync(async () => Assert.NotEqual(HttpStatusCode.OK, (await newcomer.GetAsync("/health/ready")).StatusCode));
            Assert.True(refused is null or HttpRequestException, refused?.ToString());
        }
        var created = await creating;
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(0, await stopping);

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var db = WorkflowDb.Create(connection, DatabaseProvider.Sqlite);
        var instance = await db.Instances.SingleAsync();
        Assert.Equal("Finished", instance.Status);
        Assert.Contains(await db.Journal.Where(j => j.InstanceId == instance.Id).Select(j => j.ActivityId + ":" + j.Event).ToListAsync(),
            line => line == "after:Completed");
    }

    private static object NewOrder() => new
    {
        client = new { name = "Ann Buyer", email = "ann@example.com" },
        items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
        currency = "EUR",
    };

    /// An HTTP endpoint on 127.0.0.1 that answers after a delay: a step calling it is in hand for that long.
    private sealed class SlowEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SlowEndpoint(WebApplication app) => _app = app;

        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Url { get; private set; } = "";

        public static async Task<SlowEndpoint> StartAsync(TimeSpan delay)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            builder.Logging.ClearProviders();
            var endpoint = new SlowEndpoint(builder.Build());
            endpoint._app.Run(async context =>
            {
                endpoint.Called.TrySetResult();
                await Task.Delay(delay);
                await context.Response.WriteAsync("{\"ok\":true}");
            });
            await endpoint._app.StartAsync();
            endpoint.Url = endpoint._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/slow";
            return endpoint;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// The process tests run one at a time: each starts several servers, and the machine has two cores.
[CollectionDefinition(nameof(ReliabilityTests))]
public sealed class ProcessTestsCollection;
