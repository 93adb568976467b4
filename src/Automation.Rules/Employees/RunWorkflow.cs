using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Orders;
using Automation.Rules.Pipeline;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Rules.Employees;

/// Run workflow: starts a reusable workflow (one without `customProperties.orderStatus`) for this order, with
/// parameters it reads as `{{ Input.<name> }}`. It is not a rule of this status: it goes on when the order moves.
[Activity("Automation", "RunWorkflow", Category = "Workflows", DisplayName = "Run workflow", Description = "Starts a reusable workflow for the order.")]
public sealed class RunWorkflow : RuleActivity
{
    [Input(Description = "The reusable workflow.", UIHint = UIHints.WorkflowDefinitionPicker, Required = true)]
    public Input<string> Workflow { get; init; } = new("");

    [Input(Description = "Name → value; text values may use {{ Order.… }}.", UIHint = UIHints.Dictionary)]
    public Input<Dictionary<string, object?>> Parameters { get; init; } = new([]);

    [Output(Description = "The started workflow instance's id.")] public Output<string> WorkflowInstanceId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var engine = rule.Service<OrderPipeline>().Engine;
        var definitionId = rule.Get(Workflow).Trim();
        var published = await engine.Definitions.GetPublishedAsync(definitionId, rule.Work, rule.CancellationToken)
            ?? throw DomainException.Invalid("workflow", $"'{definitionId}' is not a published workflow");
        if (OrderStatus.Read(published.Definition.CustomProperties, definitionId) is { } status)
            throw DomainException.Invalid("workflow", $"'{definitionId}' is the workflow of order status '{status.Code}'; Run workflow starts reusable workflows only");
        var input = new JsonObject();
        foreach (var (name, value) in rule.Get(Parameters) ?? [])
        {
            var node = value is null ? null : JsonSerializer.SerializeToNode(value);
            input[name] = node is JsonValue v && v.TryGetValue<string>(out var text) ? JsonValue.Create(await rule.RenderAsync(text)) : node;
        }
        var started = await engine.StartAsync(rule.Work, new StartWorkflow(definitionId, OrderPipeline.OrderIdText(rule.Order.Id), input), rule.CancellationToken);
        rule.Set(WorkflowInstanceId, started.InstanceId);
    }
}
