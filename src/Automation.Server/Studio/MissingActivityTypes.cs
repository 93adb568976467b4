using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Runtime;

namespace Automation.Server.Studio;

/// Placeholder descriptors for activity types that stored versions use but this server does not have (a rule removed
/// from the code, a file from a newer server). Studio draws nothing at all for a workflow with an activity it has no
/// descriptor for (elsa-contract.md §2.3), so each such type gets one that shows it as "Not found", with the ports its
/// connections use; the activity JSON itself is returned unchanged. Saving is refused until it is removed.
public sealed class MissingActivityTypes(ActivityRegistry registry, WorkflowDefinitions definitions)
{
    public const string Category = "Not found";

    public async Task<IReadOnlyList<ActivityDescriptor>> DescriptorsAsync(CancellationToken ct)
    {
        var missing = new SortedDictionary<(string TypeName, int Version), SortedSet<string>>();
        foreach (var version in await definitions.ListAsync(VersionOptions.AllVersions, ct))
            Collect(version.Json, missing);
        return missing.Select(m => Placeholder(m.Key.TypeName, m.Key.Version, m.Value)).ToList();
    }

    private void Collect(string json, SortedDictionary<(string, int), SortedSet<string>> missing)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(json)?["root"] as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }
        if (root?["activities"] is not JsonArray activities) return;
        var connections = root["connections"] as JsonArray ?? [];
        foreach (var activity in activities.OfType<JsonObject>())
        {
            if (activity["type"] is not JsonValue t || !t.TryGetValue<string>(out var typeName) || typeName.Length == 0) continue;
            var version = activity["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 1;
            if (registry.Find(typeName, version) is not null) continue;
            if (!missing.TryGetValue((typeName, version), out var ports)) missing[(typeName, version)] = ports = new SortedSet<string>(StringComparer.Ordinal);
            var id = activity["id"]?.ToString();
            foreach (var source in connections.OfType<JsonObject>().Select(c => c["source"]).OfType<JsonObject>())
                if (source["activity"]?.ToString() == id && source["port"] is JsonValue p && p.TryGetValue<string>(out var port))
                    ports.Add(port);
        }
    }

    private static ActivityDescriptor Placeholder(string typeName, int version, IEnumerable<string> ports)
    {
        var dot = typeName.LastIndexOf('.');
        // Only "Done" (or nothing) connected: Studio draws its default Done port by itself.
        var flowPorts = ports.All(p => p == "Done") ? [] : ports.Select(p => new PortDescriptor(p, p)).ToArray();
        return new ActivityDescriptor
        {
            TypeName = typeName,
            Namespace = dot > 0 ? typeName[..dot] : "",
            Name = dot > 0 ? typeName[(dot + 1)..] : typeName,
            Version = version,
            Category = Category,
            DisplayName = $"Not found: {typeName}",
            Description = $"This server has no activity type {typeName} (version {version}); the workflow cannot be saved or published until it is removed.",
            Kind = "Action",
            Inputs = [],
            Outputs = [],
            Ports = flowPorts,
            IsBrowsable = false,
            CustomProperties = new JsonObject { ["NotFound"] = true },
        };
    }
}
