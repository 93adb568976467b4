using System.Text.Json.Nodes;
using Automation.Rules.Pipeline;
using Automation.Workflows.Activities;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Model;
using Automation.Workflows.Runtime;

namespace Automation.Server.Api;

/// The pipeline as the product's automation screen shows it: statuses in order, each with its triggers and rules.
public static class StatusesApi
{
    public static RouteGroupBuilder MapStatusesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/statuses", ListAsync).WithTags("Statuses");
        return api;
    }

    public sealed record StatusView(
        string Code, string Name, int Sort, string Semantics, string? Color, string DefinitionId, int Version,
        IReadOnlyList<CardView> Triggers, IReadOnlyList<CardView> Rules);

    /// One trigger or rule card: its activity, what it is, its title, and (for rules) what it runs after.
    public sealed record CardView(string Id, string Type, string DisplayName, string Title, IReadOnlyList<string> After);

    private static async Task<IResult> ListAsync(OrderPipeline pipeline, WorkflowDefinitions definitions, ActivityRegistry registry, CancellationToken ct)
    {
        var views = new List<StatusView>();
        foreach (var status in await pipeline.ListStatusesAsync(ct))
        {
            if (await definitions.GetPublishedAsync(status.DefinitionId, ct) is not { } workflow) continue;
            var color = workflow.Definition.CustomProperties?["orderStatus"]?["color"]?.GetValue<string>();
            var cards = workflow.Flowchart.Activities.Where(a => a.Type is not ("Elsa.Start" or "Elsa.End"))
                .Select(a => (Node: a, Type: registry.Find(a.Type, a.Version)))
                .ToList();
            CardView Card((ActivityNode Node, ActivityType? Type) c) => new(
                c.Node.Id, c.Node.Type, DisplayNameOf(c), TitleOf(c.Node.Json) ?? c.Node.Name ?? DisplayNameOf(c),
                workflow.Flowchart.Connections.Where(l => l.Target.Activity == c.Node.Id).Select(l => l.Source.Activity).ToList());
            views.Add(new StatusView(status.Code, status.Name, status.Sort, status.Semantics, color, status.DefinitionId, workflow.Definition.Version,
                cards.Where(c => c.Type?.Attribute.Kind == ActivityKind.Trigger).Select(Card).ToList(),
                cards.Where(c => c.Type?.Attribute.Kind != ActivityKind.Trigger).Select(Card).ToList()));
        }
        return TypedResults.Ok(views);
    }

    private static string DisplayNameOf((ActivityNode Node, ActivityType? Type) card) => card.Type?.Attribute.DisplayName ?? card.Node.Type;

    private static string? TitleOf(JsonObject activity) =>
        activity["title"]?["expression"]?["value"] is JsonValue v && v.TryGetValue<string>(out var title) && title.Length > 0 ? title : null;
}
