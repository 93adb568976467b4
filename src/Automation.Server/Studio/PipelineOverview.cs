using System.Text.Json.Nodes;
using Automation.Rules.Pipeline;
using Automation.Workflows.Activities;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Model;
using Automation.Workflows.Runtime;

namespace Automation.Server.Studio;

/// What the Studio start page shows: the statuses in pipeline order with their triggers and rules (as the product's
/// automation screen does), and every other workflow: reusable ones and status workflows not published yet.
public sealed class PipelineOverview(OrderPipeline pipeline, WorkflowDefinitions definitions, ActivityRegistry registry)
{
    public async Task<Overview> ReadAsync(CancellationToken ct)
    {
        var statuses = new List<StatusCard>();
        foreach (var status in await pipeline.ListStatusesAsync(ct))
        {
            if (await definitions.GetPublishedAsync(status.DefinitionId, ct) is not { } workflow) continue;
            var cards = workflow.Flowchart.Activities.Where(a => a.Type is not ("Elsa.Start" or "Elsa.End"))
                .Select(a => (Node: a, Kind: registry.Find(a.Type, a.Version)?.Kind, Card: Card(workflow.Flowchart, a))).ToList();
            var color = workflow.Definition.CustomProperties["orderStatus"]?["color"] is JsonValue c && c.TryGetValue<string>(out var hex) ? hex : null;
            statuses.Add(new StatusCard(status, color, workflow.Definition.Version,
                cards.Where(c => c.Kind == ActivityKind.Trigger).Select(c => c.Card).ToList(),
                cards.Where(c => c.Kind != ActivityKind.Trigger).Select(c => c.Card).ToList()));
        }
        var shown = statuses.Select(s => s.Status.DefinitionId).ToHashSet(StringComparer.Ordinal);
        var others = (await definitions.ListAsync(ct)).Where(d => d.IsLatest && !shown.Contains(d.DefinitionId))
            .Select(d => (Record: d, Document: WorkflowJson.Parse(d.Json, d.DefinitionId)))
            .Select(d => new OtherWorkflow(d.Record.DefinitionId, d.Record.Name ?? d.Record.DefinitionId, d.Record.Version,
                d.Record.IsPublished, d.Document.CustomProperties["orderStatus"] is JsonObject))
            .OrderBy(w => w.Name, StringComparer.OrdinalIgnoreCase).ToList();
        return new Overview(statuses, others);
    }

    private RuleCard Card(Flowchart flowchart, ActivityNode node)
    {
        var displayName = registry.Find(node.Type, node.Version)?.Attribute.DisplayName ?? node.Type;
        var title = node.Json["title"]?["expression"]?["value"] is JsonValue v && v.TryGetValue<string>(out var t) && t.Length > 0 ? t : null;
        var after = flowchart.Inbound(node.Id).Select(c => flowchart.Find(c.Source.Activity))
            .Where(a => a is not null && a.Type != "Elsa.Start").Select(a => a!.Name ?? a.Id).ToList();
        return new RuleCard(node.Id, displayName, title ?? node.Name ?? displayName, after);
    }
}

public sealed record Overview(IReadOnlyList<StatusCard> Statuses, IReadOnlyList<OtherWorkflow> Others);

public sealed record StatusCard(OrderStatus Status, string? Color, int Version, IReadOnlyList<RuleCard> Triggers, IReadOnlyList<RuleCard> Rules);

/// A trigger or rule as a card: what it is, its title, and the rules it runs after (none: it starts with the status).
public sealed record RuleCard(string Id, string Type, string Title, IReadOnlyList<string> After);

public sealed record OtherWorkflow(string DefinitionId, string Name, int Version, bool IsPublished, bool IsStatus);
