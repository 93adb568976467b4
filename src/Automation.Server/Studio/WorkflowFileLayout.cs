using System.Text.Json.Nodes;
using Automation.Workflows.Model;

namespace Automation.Server.Studio;

/// How a definition is laid out in its file so that a publish from Studio shows in git as the lines that changed: the
/// properties keep the order the file already has (matched by activity id and connection ends), and new ones follow
/// the order Elsa's export uses. Nulls and what only the store or the editor cares about are left out.
public static class WorkflowFileLayout
{
    // Assigned by the store per version or sent by Studio for its own use; never part of what the file says.
    private static readonly string[] EditorOnly = ["links", "createdAt", "materializerName", "providerName"];

    private static readonly string[] TopOrder =
        ["$schema", "id", "definitionId", "name", "description", "version", "isLatest", "isPublished", "toolVersion",
         "customProperties", "variables", "inputs", "outputs", "outcomes", "options", "root"];
    private static readonly string[] ActivityOrder = ["id", "nodeId", "name", "type", "version", "customProperties", "metadata"];
    private static readonly string[] ConnectionOrder = ["source", "target", "vertices"];
    private static readonly string[] EndpointOrder = ["activity", "port"];

    /// The definition Studio sent, as the store and the file keep it.
    public static WorkflowDefinition FromStudio(JsonObject model)
    {
        var document = (JsonObject)model.DeepClone();
        foreach (var name in EditorOnly) document.Remove(name);
        foreach (var flag in new[] { "isReadonly", "isSystem" })
            if (document[flag] is JsonValue v && v.TryGetValue<bool>(out var set) && !set) document.Remove(flag);
        RemoveEmpty(document);
        // Files start with it, so the stored version compares equal to its file at the next start.
        document["$schema"] = WorkflowDefinition.SchemaUrl;
        return new WorkflowDefinition(document);
    }

    /// The file text of <paramref name="definition"/>, laid out like <paramref name="existing"/> (the file it replaces) when given.
    public static string Write(WorkflowDefinition definition, JsonObject? existing)
    {
        var document = FromStudio(definition.Document).Document;
        return WorkflowJson.Write(Arrange(document, existing, ""));
    }

    private static void RemoveEmpty(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                // Studio adds `vertices: []` to every connection it has drawn; empty, it says nothing.
                foreach (var key in o.Where(p => p.Value is null || p is { Key: "vertices", Value: JsonArray { Count: 0 } }).Select(p => p.Key).ToList())
                    o.Remove(key);
                foreach (var (_, value) in o) RemoveEmpty(value);
                break;
            case JsonArray a:
                foreach (var item in a) RemoveEmpty(item);
                break;
        }
    }

    private static JsonNode Arrange(JsonNode node, JsonNode? template, string context) => node switch
    {
        JsonObject o => ArrangeObject(o, template as JsonObject, context),
        JsonArray a => ArrangeArray(a, template as JsonArray, context),
        _ => node.DeepClone(),
    };

    private static JsonObject ArrangeObject(JsonObject node, JsonObject? template, string context)
    {
        var keys = new List<string>();
        void Take(IEnumerable<string> candidates) => keys.AddRange(candidates.Where(k => node.ContainsKey(k) && !keys.Contains(k)).ToList());
        if (context == "") Take(["$schema"]);
        Take(template?.Select(p => p.Key) ?? []);
        Take(OrderOf(context));
        Take(node.Select(p => p.Key));
        var result = new JsonObject();
        foreach (var key in keys)
            result[key] = node[key] is { } value ? Arrange(value, template?[key], key) : null;
        return result;
    }

    private static JsonArray ArrangeArray(JsonArray node, JsonArray? template, string context)
    {
        var items = node.ToList();
        if (template is not null && items.All(i => i is not null && KeyOf(i, context) is not null))
        {
            // Studio moves the node it last touched to the end; the file keeps its order, and new items follow it.
            var position = template.Select((t, i) => (Key: t is null ? null : KeyOf(t, context), i)).Where(p => p.Key is not null)
                .GroupBy(p => p.Key!).ToDictionary(g => g.Key, g => g.First().i);
            items = items.Select((item, i) => (item, i)).OrderBy(p => position.GetValueOrDefault(KeyOf(p.item!, context)!, int.MaxValue))
                .ThenBy(p => p.i).Select(p => p.item).ToList();
        }
        var result = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                result.Add(null);
                continue;
            }
            var match = template is null ? null
                : KeyOf(item, context) is { } key ? template.FirstOrDefault(t => t is not null && KeyOf(t, context) == key)
                : i < template.Count ? template[i] : null;
            result.Add(Arrange(item, match, context + "[]"));
        }
        return result;
    }

    // Activities and variables are matched by id, connections by their ends; other arrays by position.
    private static string? KeyOf(JsonNode item, string context) => context switch
    {
        "activities" or "variables" => item["id"]?.ToJsonString(),
        "connections" => $"{item["source"]?["activity"]}:{item["source"]?["port"]}>{item["target"]?["activity"]}:{item["target"]?["port"]}",
        _ => null,
    };

    private static string[] OrderOf(string context) => context switch
    {
        "" => TopOrder,
        "root" or "activities[]" => ActivityOrder,
        "connections[]" => ConnectionOrder,
        "source" or "target" => EndpointOrder,
        _ => [],
    };
}
