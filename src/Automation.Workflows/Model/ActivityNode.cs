using System.Text.Json.Nodes;

namespace Automation.Workflows.Model;

/// One activity of a flowchart as the JSON states it: identity, type, and the raw JSON its inputs are read from.
public sealed record ActivityNode(string Id, string Type, int Version, string? Name, JsonObject Json, string JsonPath)
{
    /// The JSON of the input named <paramref name="inputName"/> (PascalCase descriptor name; stored camelCase).
    public JsonNode? Input(string inputName) => Json[JsonNames.Camel(inputName)] ?? Json[inputName];

    public JsonObject CustomProperties => Json["customProperties"] as JsonObject ?? new JsonObject();

    public bool CustomFlag(string name) =>
        Json["customProperties"]?[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}

/// One end of a connection: an activity and a port.
public sealed record Endpoint(string Activity, string Port);

/// A connection between two activities of a flowchart.
public sealed record Connection(Endpoint Source, Endpoint Target, int Index);

internal static class JsonNames
{
    public static string Camel(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
