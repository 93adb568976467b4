using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Rules.Pipeline;
using Automation.Workflows.Runtime;

namespace Automation.Server.Studio;

/// Studio's Run button: runs a workflow for a given order (`input.orderId` or a numeric `correlationId`) or for a new
/// test order. A published status workflow runs as it would in production: the order enters the status. A draft or a
/// reusable workflow runs that exact version for the order, without moving it.
public static class TestRuns
{
    public const string InstanceHeader = "x-elsa-workflow-instance-id";
    public const string CannotStartHeader = "x-elsa-workflow-cannot-start";

    /// The body Studio sends; every member is optional.
    public sealed record ExecuteRequest(string? CorrelationId, string? TriggerActivityId, string? VersionOptions, JsonObject? Input);

    public static async Task<IResult> ExecuteAsync(
        string definitionId, ExecuteRequest? body, HttpResponse response, StudioWorkflows workflows, OrderPipeline pipeline, CancellationToken ct)
    {
        if (VersionOptions.Parse(body?.VersionOptions, VersionOptions.Latest) is not { } options)
            return Api.Problems.Result(400, "Invalid request", $"versionOptions '{body?.VersionOptions}' is not valid.", "invalid_version_options");
        if (await workflows.FindAsync(definitionId, options, ct) is not { } version)
            return ElsaJson.NotFound($"Workflow definition '{definitionId}' has no version matching '{options}'.");

        var orderId = OrderIdOf(body) ?? (await pipeline.CreateOrderAsync(TestOrder(), ct)).Id;
        var document = StudioWorkflows.Parse(version);
        var statusCode = document["customProperties"]?["orderStatus"]?["code"] is JsonValue v && v.TryGetValue<string>(out var code) ? code : null;
        string? instanceId;
        try
        {
            if (statusCode is not null && version.IsPublished)
            {
                var move = await pipeline.MoveAsync(orderId, statusCode, StatusCause.Person("Elsa Studio test run"), ct);
                instanceId = move.Moved ? move.InstanceId : null;
            }
            else
            {
                var input = body?.Input ?? new JsonObject { ["cause"] = "Elsa Studio test run" };
                var started = await pipeline.Engine.StartAsync(
                    new StartWorkflow(definitionId, OrderPipeline.OrderIdText(orderId), input) { VersionId = version.Id }, ct);
                instanceId = started.InstanceId;
            }
        }
        catch (WorkflowCompileException e)
        {
            return Api.Problems.Result(400, "The workflow cannot run", $"{e.JsonPath}: {e.Problem}", "invalid_workflow");
        }

        if (instanceId is null) response.Headers[CannotStartHeader] = "true";
        else response.Headers[InstanceHeader] = instanceId;
        return ElsaJson.Ok(new { workflowInstanceId = instanceId, orderId, version = version.Version });
    }

    private static long? OrderIdOf(ExecuteRequest? body)
    {
        var text = body?.Input?["orderId"]?.ToString() ?? body?.CorrelationId;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    private static NewOrder TestOrder() => new()
    {
        Client = new NewClient("Studio test run", "test-run@studio.invalid"),
        Status = "",
        Currency = "EUR",
        Items = [new OrderItem("Test item", null, 1, 10)],
    };
}
