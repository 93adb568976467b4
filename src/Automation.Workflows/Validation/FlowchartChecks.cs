using System.Text.Json.Nodes;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Model;

namespace Automation.Workflows.Validation;

/// Checks the activities and connections of an `Elsa.Flowchart`.
internal sealed class FlowchartChecks(ActivityRegistry registry, InputChecks inputs, ValidationReport report)
{
    /// An activity that has a usable id; <see cref="Type"/> is null when its type is unknown.
    private sealed record Node(string Id, string TypeName, ActivityType? Type, string Path);

    public void Check(JsonObject root, string rootPath)
    {
        var activities = CheckActivities(root, rootPath);
        CheckConnections(root, rootPath, activities);
    }

    private Dictionary<string, Node> CheckActivities(JsonObject root, string rootPath)
    {
        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        var path = JsonPaths.Property(rootPath, "activities");
        if (ArrayAt(root, "activities", path) is not { } items) return nodes;
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = JsonPaths.Index(path, i);
            if (items[i] is not JsonObject activity)
            {
                report.Add(itemPath, $"an activity must be an object, found {JsonPaths.Kind(items[i])}");
                continue;
            }
            var id = JsonPaths.Text(activity["id"]);
            if (string.IsNullOrWhiteSpace(id))
            {
                report.Add($"{itemPath}.id", "the activity has no 'id'");
                id = null;
            }
            else if (nodes.TryGetValue(id, out var first))
            {
                report.Add($"{itemPath}.id", $"duplicate activity id '{id}': {first.Path} has it too", id);
            }
            var type = CheckType(activity, itemPath, id);
            if (type is not null) inputs.Check(type, activity, itemPath, id);
            if (id is not null && !nodes.ContainsKey(id))
                nodes[id] = new Node(id, JsonPaths.Text(activity["type"]) ?? "", type, itemPath);
        }
        return nodes;
    }

    /// The activity's type from the registry, or null after reporting why it has none.
    private ActivityType? CheckType(JsonObject activity, string path, string? id)
    {
        var typeName = JsonPaths.Text(activity["type"]);
        if (string.IsNullOrWhiteSpace(typeName))
        {
            report.Add($"{path}.type", "the activity has no 'type'", id);
            return null;
        }
        var version = 1;
        if (activity["version"] is { } versionJson && !(versionJson is JsonValue v && v.TryGetValue(out version)))
        {
            report.Add($"{path}.version", $"'version' must be a whole number, found {JsonPaths.Kind(versionJson)}", id);
            return null;
        }
        if (registry.Find(typeName, version) is { } type) return type;
        var (property, message) = UnknownType(registry, typeName, version);
        report.Add($"{path}.{property}", message, id);
        return null;
    }

    /// Where and why an activity of a type (or a version of it) this server does not have is reported.
    public static (string Property, string Message) UnknownType(ActivityRegistry registry, string typeName, int version)
    {
        var versions = registry.VersionsOf(typeName).Order().ToArray();
        return versions.Length == 0
            ? ("type", $"unknown activity type '{typeName}': no activity of that type exists here, so it cannot run")
            : ("version", $"activity type '{typeName}' has no version {version}; it exists in version {string.Join(", ", versions)}");
    }

    private void CheckConnections(JsonObject root, string rootPath, Dictionary<string, Node> nodes)
    {
        var path = JsonPaths.Property(rootPath, "connections");
        if (ArrayAt(root, "connections", path) is not { } items) return;
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = JsonPaths.Index(path, i);
            if (items[i] is not JsonObject link)
            {
                report.Add(itemPath, $"a connection must be an object, found {JsonPaths.Kind(items[i])}");
                continue;
            }
            if (Flowchart.ReadConnection(link, i) is not { } connection)
            {
                report.Add(itemPath, "a connection needs a source and a target: {source: {activity, port}, target: {activity, port}}, "
                    + "or the flat form {source, sourcePort, target, targetPort}");
                continue;
            }
            CheckConnection(connection, EndpointPaths.Of(link, itemPath), nodes);
        }
    }

    private void CheckConnection(Connection connection, EndpointPaths paths, Dictionary<string, Node> nodes)
    {
        var source = nodes.GetValueOrDefault(connection.Source.Activity);
        var target = nodes.GetValueOrDefault(connection.Target.Activity);
        if (source is null)
            report.Add(paths.SourceActivity, connection.Source.Activity.Length == 0
                ? "the connection has no source activity"
                : $"the connection comes from '{connection.Source.Activity}', which is not an activity of this flowchart", target?.Id);
        else if (source.Type is { } sourceType && !ActivityPorts.Accepts(sourceType, connection.Source.Port))
            report.Add(paths.SourcePort, $"'{source.Id}' ({source.TypeName}) has no port '{connection.Source.Port}'; {PortsOf(sourceType)}", source.Id);

        if (target is null)
            report.Add(paths.TargetActivity, connection.Target.Activity.Length == 0
                ? "the connection has no target activity"
                : $"the connection goes to '{connection.Target.Activity}', which is not an activity of this flowchart", source?.Id);
        else if (target.Type is { Attribute.IsStart: true })
            report.Add(paths.TargetActivity, $"'{target.Id}' ({target.TypeName}) is where the flowchart starts and has no inbound port; nothing may connect into it", target.Id);
    }

    private static string PortsOf(ActivityType type)
    {
        var ports = ActivityPorts.Declared(type);
        var list = ports.Count == 0 ? "it has no outbound ports" : $"its ports are {string.Join(", ", ports.Select(p => $"'{p}'"))}";
        return ActivityPorts.HasDynamicPorts(type) ? $"{list}, plus one per expected status code" : list;
    }

    private JsonArray? ArrayAt(JsonObject json, string name, string path)
    {
        switch (json[name])
        {
            case JsonArray array:
                return array;
            case null:
                return null;
            case var other:
                report.Add(path, $"'{name}' must be an array, found {JsonPaths.Kind(other)}");
                return null;
        }
    }

    /// Where a connection's activity ids and source port sit, in the nested or the flat form and in either casing.
    private sealed record EndpointPaths(string SourceActivity, string SourcePort, string TargetActivity)
    {
        public static EndpointPaths Of(JsonObject link, string path)
        {
            var source = Key(link, "source");
            var target = Key(link, "target");
            return link[source] is JsonObject sourceJson
                ? new EndpointPaths(
                    $"{path}.{source}.{Key(sourceJson, "activity")}", $"{path}.{source}.{Key(sourceJson, "port")}",
                    $"{path}.{target}.{(link[target] is JsonObject t ? Key(t, "activity") : "activity")}")
                : new EndpointPaths($"{path}.{source}", $"{path}.{Key(link, "sourcePort")}", $"{path}.{target}");
        }

        private static string Key(JsonObject json, string camel)
        {
            var pascal = char.ToUpperInvariant(camel[0]) + camel[1..];
            return !json.ContainsKey(camel) && json.ContainsKey(pascal) ? pascal : camel;
        }
    }
}
