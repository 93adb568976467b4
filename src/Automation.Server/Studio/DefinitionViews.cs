using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Workflows.Model;
using Automation.Workflows.Persistence;

namespace Automation.Server.Studio;

/// Definitions the way Studio reads them (elsa-contract.md §1.6, §2.3): the stored JSON with the version's flags,
/// `createdAt` and the links that make the editor editable, and the summaries of the version lists.
public static class DefinitionViews
{
    public static JsonObject Definition(DefinitionRecord record)
    {
        var document = StudioWorkflows.Parse(record);
        document.Remove("$schema");
        document["id"] = record.Id;
        document["version"] = record.Version;
        document["createdAt"] = record.CreatedAt;
        // The stored JSON of an older version still says what it was when saved; the record says what it is now.
        document["isLatest"] = record.IsLatest;
        document["isPublished"] = record.IsPublished;
        document["isReadonly"] ??= false;
        document["isSystem"] ??= false;
        document["materializerName"] = "Json";
        document["links"] = JsonSerializer.SerializeToNode(Links(record.DefinitionId), ElsaJson.Options);
        return document;
    }

    /// The file a definition exports to: the repository's layout with `$schema` first.
    public static string Export(DefinitionRecord record)
    {
        var document = StudioWorkflows.Parse(record);
        document["id"] = record.Id;
        document["version"] = record.Version;
        document["isLatest"] = record.IsLatest;
        document["isPublished"] = record.IsPublished;
        return WorkflowFileLayout.Write(new WorkflowDefinition(document), existing: null);
    }

    public static DefinitionSummary Summary(DefinitionRecord record)
    {
        var document = StudioWorkflows.Parse(record);
        return new DefinitionSummary(
            record.Id, record.DefinitionId, record.Name, Text(document["description"]), record.Version, Text(document["toolVersion"]),
            record.IsLatest, record.IsPublished, "Default", "Json", true, record.CreatedAt, false, Links(record.DefinitionId));
    }

    public static ElsaLink[] Links(string definitionId)
    {
        var self = $"/workflow-definitions/{Uri.EscapeDataString(definitionId)}";
        return
        [
            new(self, "self", "GET"),
            new($"{self}/versions", "versions", "GET"),
            new($"{self}/execute", "execute", "POST"),
            new($"{self}/export", "export", "GET"),
            new($"{self}/publish", "publish", "POST"),
            new($"{self}/retract", "retract", "POST"),
            new("/workflow-definitions/import", "import", "POST"),
        ];
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// One row of a definition list or the version history (Elsa's `WorkflowDefinitionSummary`).
public sealed record DefinitionSummary(
    string Id, string DefinitionId, string? Name, string? Description, int Version, string? ToolVersion, bool IsLatest,
    bool IsPublished, string ProviderName, string MaterializerName, bool IsMaterializerAvailable, DateTimeOffset CreatedAt,
    bool IsReadonly, IReadOnlyList<ElsaLink> Links);
