using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Rules.Pipeline;
using Automation.Workflows.Activities;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Model;
using Automation.Workflows.Runtime;

namespace Automation.Server.Studio;

/// Studio's Run button: runs a workflow for a given order (`input.orderId` or a numeric `correlationId`) or for a new
/// test order. A published status workflow runs as it would in production: the order enters the status. A draft or a
/// reusable workflow runs that exact version for the order, without moving it. `triggerActivityId` names the trigger
/// that starts the run, as in Elsa: a trigger of a published status workflow moves the order into the status by that
/// trigger (what happens when it fires); otherwise the run starts at that activity, which completes at once, and
/// follows its outbound connections.
public static class TestRuns
{
    public const string InstanceHeader = "x-elsa-workflow-instance-id";
    public const string CannotStartHeader = "x-elsa-workflow-cannot-start";

    /// The body Studio sends; every member is optional.
    public sealed record ExecuteRequest(string? CorrelationId, string? TriggerActivityId, string? VersionOptions, JsonObject? Input);

    public static async Task<IResult> ExecuteAsync(
        string definitionId, ExecuteRequest? body, HttpResponse response, StudioWorkflows workflows, OrderPipeline pipeline,
        ActivityRegistry registry, CancellationToken ct)
    {
        if (VersionOptions.Parse(body?.VersionOptions, VersionOptions.Latest) is not { } options)
            return Api.Problems.Result(400, "Invalid request", $"versionOptions '{body?.VersionOptions}' is not valid.", "invalid_version_options");
        if (await workflows.FindAsync(definitionId, options, ct) is not { } version)
            return ElsaJson.NotFound($"Workflow definition '{definitionId}' has no version matching '{options}'.");
        // Checked before a test order is created, so a run that cannot start leaves nothing behind.
        CompiledWorkflow compiled;
        try
        {
            compiled = CompiledWorkflow.Compile(WorkflowJson.Parse(version.Json, version.DefinitionId), registry);
        }
        catch (WorkflowCompileException e)
        {
            return Api.Problems.Result(400, "The workflow cannot run", $"{e.JsonPath}: {e.Problem}", "invalid_workflow");
        }
        var trigger = body?.TriggerActivityId is { Length: > 0 } triggerId ? compiled.Activities.FirstOrDefault(a => a.Id == triggerId) : null;
        if (body?.TriggerActivityId is { Length: > 0 } && trigger is null)
            return Api.Problems.Result(400, "Invalid request",
                $"triggerActivityId '{body.TriggerActivityId}' is not an activity of {definitionId} v{version.Version}.", "trigger_activity_not_found");

        var orderId = OrderIdOf(body) ?? (await pipeline.CreateOrderAsync(TestOrder(), ct)).Id;
        var statusCode = compiled.Definition.CustomProperties["orderStatus"]?["code"] is JsonValue v && v.TryGetValue<string>(out var code) ? code : null;
        string? instanceId;
        if (statusCode is not null && version.IsPublished && (trigger is null || IsTrigger(trigger, registry)))
        {
            var cause = trigger is null ? StatusCause.Person("Elsa Studio test run") : StatusCause.Trigger(trigger.Node.Type);
            var move = await pipeline.MoveAsync(orderId, statusCode, cause, ct);
            instanceId = move.Moved ? move.InstanceId : null;
        }
        else
        {
            var input = body?.Input ?? new JsonObject { ["cause"] = "Elsa Studio test run" };
            var started = await pipeline.Engine.StartAsync(
                new StartWorkflow(definitionId, OrderPipeline.OrderIdText(orderId), input) { VersionId = version.Id, TriggerActivityId = trigger?.Id }, ct);
            instanceId = started.InstanceId;
        }

        if (instanceId is null) response.Headers[CannotStartHeader] = "true";
        else response.Headers[InstanceHeader] = instanceId;
        return ElsaJson.Ok(new { workflowInstanceId = instanceId, orderId, version = version.Version });
    }

    private static bool IsTrigger(Workflows.Activities.Activity activity, ActivityRegistry registry) =>
        registry.Find(activity.Node.Type, activity.Node.Version)?.Kind == ActivityKind.Trigger;

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
