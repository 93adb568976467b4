using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Automation.Server.Tests.Operations;

/// `/health` for load balancers and `/metrics` plus the OTLP export for operators (docs/operations.md).
public sealed class HealthAndMetricsTests
{
    [Fact]
    public async Task Liveness_and_readiness_answer_with_the_database_and_the_scheduler_checked()
    {
        await using var host = await ServiceHost.StartAsync();
        using var anonymous = host.CreatePublicClient();

        var live = await Expect.JsonAsync(await anonymous.GetAsync("/health/live"), 200);
        Assert.Equal("ok", live["status"]!.GetValue<string>());
        await Eventually.TrueAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "the node never became ready");
        var ready = await Expect.JsonAsync(await anonymous.GetAsync("/health"), 200);
        Assert.Equal("ok", ready["status"]!.GetValue<string>());
        Assert.Equal(["database", "node", "scheduler"], ready["checks"]!.AsObject().Select(c => c.Key).Order().ToList());
        Assert.All(ready["checks"]!.AsObject(), c => Assert.Equal("ok", c.Value!.GetValue<string>()));
    }

    [Fact]
    public async Task Readiness_fails_with_503_naming_the_database_when_PostgreSQL_refuses_connections()
    {
        using var database = await TestDatabases.PostgresAsync();
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Automation"] = database.ConnectionString,
        });
        using var anonymous = host.CreatePublicClient();
        await Eventually.TrueAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "the node never became ready");

        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var refuse = new NpgsqlCommand($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; " +
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'", connection);
            await refuse.ExecuteNonQueryAsync();
        }
        try
        {
            var response = await anonymous.GetAsync("/health/ready");
            var body = await Expect.JsonAsync(response, 503);
            Assert.Equal("unavailable", body["status"]!.GetValue<string>());
            Assert.StartsWith("unreachable", body["checks"]!["database"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var allow = new NpgsqlCommand($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true", connection);
            await allow.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Metrics_count_events_rule_runs_and_steps_and_sample_the_bookmarks_and_outbox()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Telemetry:SampleInterval"] = "00:00:00.100" });
        var before = await MetricsAsync(host);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        // The new order's payment reminder waits on a timer bookmark.
        await Eventually.TrueAsync(async () => Sum(await MetricsAsync(host), "automation.bookmarks", null, null) >= 1, "the bookmark gauge never counted the waiting rules");
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);

        var after = await MetricsAsync(host);
        Assert.Equal(1, Sum(after, "automation.events.received", "type", "payment.received") - Sum(before, "automation.events.received", "type", "payment.received"));
        Assert.Equal(1, Sum(after, "automation.events.processed", "result", "moved") - Sum(before, "automation.events.processed", "result", "moved"));
        Assert.True(Sum(after, "automation.rule.runs", "type", "Automation.GenerateCode") >= 1, after.ToJsonString());
        var steps = after["automation.step.duration"]!["points"]!.AsArray();
        Assert.Contains(steps, p => p!["tags"]!["kind"]!.GetValue<string>() == "start" && p["count"]!.GetValue<long>() >= 2);
        Assert.All(steps, p => Assert.True(p!["p99"]!.GetValue<double>() <= p["max"]!.GetValue<double>()));
        Assert.NotNull(after["automation.outbox.backlog"]);
        // The payment's unit of work held SQLite's writer, and said for how long.
        Assert.True(WriterUnits(after) > WriterUnits(before), after.ToJsonString());
        // .NET's runtime meter is there too: the bytes the process allocated grew with the payment's work.
        Assert.True(Allocated(after) > Allocated(before), after["dotnet.gc.heap.total_allocated"]?.ToJsonString() ?? "no dotnet.gc.heap.total_allocated");

        using var anonymous = host.CreatePublicClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task The_SQLite_log_is_started_over_at_the_configured_size()
    {
        await using (var host = await ServiceHost.StartAsync())
            Assert.Equal(128L << 20, host.Services.GetRequiredService<WorkflowDatabase>().Checkpointer!.RestartFrames * 4096);
        await using (var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Database:SqliteLogMegabytes"] = "8" }))
            Assert.Equal(8L << 20, host.Services.GetRequiredService<WorkflowDatabase>().Checkpointer!.RestartFrames * 4096);
    }

    private static double Allocated(JsonNode metrics) =>
        metrics["dotnet.gc.heap.total_allocated"]?["points"]?.AsArray().Sum(p => p!["value"]!.GetValue<double>()) ?? 0;

    private static long WriterUnits(JsonNode metrics) =>
        metrics["automation.sqlite.writer.held"]?["points"]?.AsArray().Sum(p => p!["count"]!.GetValue<long>()) ?? 0;

    [Fact]
    public async Task Metrics_are_pushed_to_an_OTLP_collector_when_one_is_configured()
    {
        var received = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, context.Request.ContentType ?? "", body.ToArray()));
        });
        await collector.StartAsync();
        var address = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = address + "/v1/metrics",
            ["Telemetry:ExportInterval"] = "00:00:00.300",
        });
        await host.CreateOrderAsync();

        // Generous: under a loaded machine the periodic reader's thread can be late by many intervals.
        await Eventually.TrueAsync(() => Task.FromResult(received.Any(r => Encoding.UTF8.GetString(r.Body).Contains("automation.step.duration", StringComparison.Ordinal)
            && Encoding.UTF8.GetString(r.Body).Contains("automation.rule.runs", StringComparison.Ordinal))),
            $"no OTLP export carried the service's metrics ({received.Count} export(s) received)", seconds: 90);
        var export = received.First(r => Encoding.UTF8.GetString(r.Body).Contains("automation.rule.runs", StringComparison.Ordinal));
        Assert.Equal("/v1/metrics", export.Path);
        Assert.Equal("application/x-protobuf", export.ContentType);
        Assert.Contains("order-automation", Encoding.UTF8.GetString(export.Body), StringComparison.Ordinal);
    }

    private static async Task<JsonObject> MetricsAsync(ServiceHost host) => await host.GetAsync("/metrics");

    /// The sum of an instrument's points whose tag has the value (all points when tag is null); 0 when absent.
    private static double Sum(JsonObject metrics, string instrument, string? tag, string? value) =>
        metrics[instrument]?["points"]?.AsArray()
            .Where(p => tag is null || p!["tags"]![tag]?.GetValue<string>() == value)
            .Sum(p => p!["value"]?.GetValue<double>() ?? 0) ?? 0;
}
