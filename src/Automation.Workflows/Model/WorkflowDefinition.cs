using System.Text.Json.Nodes;

namespace Automation.Workflows.Model;

/// An Elsa 3 workflow definition. The JSON document is the source of truth, so reading then writing a file loses
/// nothing; the typed members are views over it.
public sealed class WorkflowDefinition
{
    public const string SchemaUrl = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json";

    public WorkflowDefinition(JsonObject document) => Document = document;

    public JsonObject Document { get; }

    /// The id of this version.
    public string Id { get => Text("id") ?? ""; set => Document["id"] = value; }
    public string DefinitionId { get => Text("definitionId") ?? ""; set => Document["definitionId"] = value; }
    public string? Name { get => Text("name"); set => Document["name"] = value; }
    public string? Description => Text("description");
    public int Version { get => Document["version"]?.GetValue<int>() ?? 1; set => Document["version"] = value; }
    public bool IsLatest { get => Flag("isLatest"); set => Document["isLatest"] = value; }
    public bool IsPublished { get => Flag("isPublished"); set => Document["isPublished"] = value; }

    public JsonObject CustomProperties => Object("customProperties");
    public JsonArray Variables => Array("variables");
    public JsonObject? Root => Document["root"] as JsonObject;

    public WorkflowDefinition Clone() => new((JsonObject)Document.DeepClone());

    private string? Text(string name) => Document[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    private bool Flag(string name) => Document[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private JsonObject Object(string name)
    {
        if (Document[name] is JsonObject o) return o;
        var created = new JsonObject();
        Document[name] = created;
        return created;
    }

    private JsonArray Array(string name)
    {
        if (Document[name] is JsonArray a) return a;
        var created = new JsonArray();
        Document[name] = created;
        return created;
    }
}
