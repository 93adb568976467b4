using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Model;

/// The graph of an `Elsa.Flowchart`: activities and the connections between their ports, indexed for execution.
public sealed class Flowchart
{
    private readonly FrozenDictionary<string, ActivityNode> _activities;
    private readonly FrozenDictionary<string, Connection[]> _outbound;
    private readonly FrozenDictionary<string, Connection[]> _inbound;

    public Flowchart(IReadOnlyList<ActivityNode> activities, IReadOnlyList<Connection> connections)
    {
        Activities = activities;
        Connections = connections;
        _activities = activities.GroupBy(a => a.Id).ToFrozenDictionary(g => g.Key, g => g.First());
        _outbound = connections.GroupBy(c => c.Source.Activity).ToFrozenDictionary(g => g.Key, g => g.ToArray());
        _inbound = connections.GroupBy(c => c.Target.Activity).ToFrozenDictionary(g => g.Key, g => g.ToArray());
    }

    public IReadOnlyList<ActivityNode> Activities { get; }
    public IReadOnlyList<Connection> Connections { get; }

    public ActivityNode? Find(string activityId) => _activities.GetValueOrDefault(activityId);
    public IReadOnlyList<Connection> Outbound(string activityId) => _outbound.GetValueOrDefault(activityId) ?? [];
    public IReadOnlyList<Connection> Inbound(string activityId) => _inbound.GetValueOrDefault(activityId) ?? [];

    /// Reads the flowchart of a root activity JSON. Connections come in Elsa's nested form
    /// (`{source:{activity,port}, target:{activity,port}}`) or the older flat form (`{source, sourcePort, target, targetPort}`).
    public static Flowchart Read(JsonObject root, string rootPath = "$.root")
    {
        var activities = new List<ActivityNode>();
        if (root["activities"] is JsonArray items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not JsonObject json) continue;
                activities.Add(new ActivityNode(
                    Text(json, "id") ?? "", Text(json, "type") ?? "",
                    json["version"] is JsonValue v && v.TryGetValue<int>(out var version) ? version : 1,
                    Text(json, "name"), json, $"{rootPath}.activities[{i}]"));
            }
        }
        var connections = new List<Connection>();
        if (root["connections"] is JsonArray links)
        {
            for (var i = 0; i < links.Count; i++)
            {
                if (links[i] is JsonObject link && ReadConnection(link, i) is { } connection) connections.Add(connection);
            }
        }
        return new Flowchart(activities, connections);
    }

    internal static Connection? ReadConnection(JsonObject link, int index)
    {
        var source = Prop(link, "source");
        var target = Prop(link, "target");
        if (source is JsonObject s && target is JsonObject t)
        {
            return new Connection(
                new Endpoint(Text(s, "activity") ?? "", Text(s, "port") ?? "Done"),
                new Endpoint(Text(t, "activity") ?? "", Text(t, "port") ?? "In"), index);
        }
        if (source is JsonValue sv && target is JsonValue tv && sv.TryGetValue<string>(out var sid) && tv.TryGetValue<string>(out var tid))
        {
            return new Connection(
                new Endpoint(sid, Text(link, "sourcePort") ?? "Done"),
                new Endpoint(tid, Text(link, "targetPort") ?? "In"), index);
        }
        return null;
    }

    private static JsonNode? Prop(JsonObject json, string camelName) =>
        json[camelName] ?? json[char.ToUpperInvariant(camelName[0]) + camelName[1..]];

    private static string? Text(JsonObject json, string camelName) =>
        Prop(json, camelName) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
