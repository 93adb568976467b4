using Microsoft.AspNetCore.Http.HttpResults;
using Automation.Server.Api;
using Automation.Workflows.Persistence;
using Quartz;

namespace Automation.Server.Operations;

/// Health and metrics for operators and load balancers (docs/operations.md).
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var operations = app.MapGroup("").WithTags("Operations");
        operations.MapGet("/health/live", Live);
        operations.MapGet("/health/ready", ReadyAsync);
        operations.MapGet("/health", ReadyAsync);
        operations.MapGet("/metrics", Metrics).AddEndpointFilter<ApiKeyFilter>();
        return app;
    }

    /// A node's state as a load balancer reads it: "ok", or "unavailable" with the check that failed.
    public sealed record HealthView(string Status, IReadOnlyDictionary<string, string> Checks);

    /// The process answers: nothing more (a restart would not help a node that is merely waiting for its database).
    private static Ok<HealthView> Live() => TypedResults.Ok(new HealthView("ok", new Dictionary<string, string>()));

    /// Ready to take work: the database answers, the scheduler runs, and the node is not shutting down.
    private static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> ReadyAsync(
        WorkflowDatabase database, ISchedulerFactory schedulers, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var checks = new Dictionary<string, string>
        {
            ["database"] = await DatabaseAsync(database, ct),
            ["scheduler"] = await SchedulerAsync(schedulers, ct),
            ["node"] = lifetime.ApplicationStopping.IsCancellationRequested ? "shutting down" : "ok",
        };
        var view = new HealthView(checks.Values.All(v => v == "ok") ? "ok" : "unavailable", checks);
        return view.Status == "ok" ? TypedResults.Ok(view) : TypedResults.Json(view, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static Ok<IReadOnlyDictionary<string, MetricView>> Metrics(MetricsSnapshot snapshot) => TypedResults.Ok(snapshot.Read());

    private static async Task<string> DatabaseAsync(WorkflowDatabase database, CancellationToken ct)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = await database.OpenConnectionAsync(limit.Token);
            await using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT 1";
            await probe.ExecuteScalarAsync(limit.Token);
            return "ok";
        }
        catch (Exception error) when (!ct.IsCancellationRequested)
        {
            return "unreachable: " + error.Message;
        }
    }

    private static async Task<string> SchedulerAsync(ISchedulerFactory schedulers, CancellationToken ct)
    {
        var status = await (await schedulers.GetScheduler(ct)).GetStatus(ct);
        return status == SchedulerStatus.Running ? "ok" : status.ToString().ToLowerInvariant();
    }
}
