using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Runtime;

namespace Automation.Server.Studio;

/// The TypeScript declarations Studio's JavaScript editor loads for a workflow (`POST /scripting/javascript/type-definitions/{id}`):
/// the outputs of its activities as `Activities.<id or name>.<output>`, including the per-activity ones (the fields
/// chosen in Read list item or Details information), which Studio 3.8's Outputs tab cannot list (it shows the type's
/// outputs only). Read from the latest version, which autosave keeps current.
public sealed class JavaScriptDeclarations(StudioWorkflows workflows, ActivityRegistry registry)
{
    public async Task<string> ForAsync(string definitionId, CancellationToken ct)
    {
        var text = new StringBuilder();
        text.AppendLine("/** Outputs of this workflow's activities, by activity id and by name. */");
        text.AppendLine("declare const Activities: {");
        if (await workflows.FindAsync(definitionId, VersionOptions.Latest, ct) is { } latest
            && StudioWorkflows.Parse(latest)["root"]?["activities"] is JsonArray activities)
        {
            foreach (var activity in activities.OfType<JsonObject>())
            {
                var type = registry.Find(activity["type"]?.ToString() ?? "", activity["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 1);
                if (type?.OutputNamesOf(activity) is not { Count: > 0 } outputs) continue;
                var members = string.Concat(outputs.Select(o => $" {Quote(o)}: any;"));
                foreach (var key in new[] { activity["id"]?.ToString(), activity["name"]?.ToString() }.OfType<string>().Where(k => k.Length > 0).Distinct())
                    text.AppendLine($"  {Quote(key)}: {{{members} }};");
            }
        }
        text.AppendLine("};");
        text.AppendLine("/** An output of an earlier activity, by its id or name. */");
        text.AppendLine("declare function getOutput(activity: string, output: string): any;");
        text.AppendLine("declare function getVariable(name: string): any;");
        text.AppendLine("declare function setVariable(name: string, value: any): void;");
        return text.ToString();
    }

    private static string Quote(string name) => JsonSerializer.Serialize(name);
}
