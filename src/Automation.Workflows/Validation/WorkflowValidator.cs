using System.Text.Json.Nodes;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;

namespace Automation.Workflows.Validation;

/// Checks workflow files against the activities and expression languages this server has (DESIGN.md §3); what the
/// server runs at start and on save and what `validate` prints. It reads the documents and never changes them.
public sealed class WorkflowValidator(ActivityRegistry registry, ExpressionEngine expressions)
{
    public const string FlowchartType = "Elsa.Flowchart";

    /// Every problem of one workflow definition; an empty list means it is valid. References (statuses, employees, …)
    /// are checked against <paramref name="references"/> where it has a set.
    public IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition, string file, KnownReferences? references = null)
    {
        var report = new ValidationReport(file);
        var document = definition.Document;
        CheckDefinitionId(document, report);
        OrderStatusChecks.Check(document, report);
        if (RootFlowchart(document, report) is { } root)
            new FlowchartChecks(registry, new InputChecks(expressions, references ?? KnownReferences.None, report), report).Check(root, "$.root");
        return report.Errors;
    }

    /// The activities of a definition whose type (or version of it) this server does not have: what must not be stored
    /// even as a draft, because nothing here can run or describe it. Empty when every type is known.
    public IReadOnlyList<ValidationError> UnknownActivityTypes(WorkflowDefinition definition, string file)
    {
        var report = new ValidationReport(file);
        if (definition.Document["root"] is not JsonObject root || root["activities"] is not JsonArray activities) return report.Errors;
        for (var i = 0; i < activities.Count; i++)
        {
            if (activities[i] is not JsonObject activity || JsonPaths.Text(activity["type"]) is not { Length: > 0 } typeName) continue;
            var version = activity["version"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 1;
            if (registry.Find(typeName, version) is not null) continue;
            var (property, message) = FlowchartChecks.UnknownType(registry, typeName, version);
            report.Add($"$.root.activities[{i}].{property}", message, JsonPaths.Text(activity["id"]));
        }
        return report.Errors;
    }

    /// Every problem of a set of workflow files, including those between files: a `definitionId` or an order status
    /// code used twice is reported on each file after the first that uses it, and a setting that names an order status
    /// must name one of these files' statuses.
    public IReadOnlyList<ValidationError> ValidateAll(IEnumerable<(WorkflowDefinition Definition, string File)> definitions, KnownReferences? references = null)
    {
        var files = definitions.ToList();
        var known = (references ?? KnownReferences.None).WithStatuses(files.Select(f => OrderStatusChecks.CodeOf(f.Definition.Document)).OfType<string>());
        var errors = files.SelectMany(f => Validate(f.Definition, f.File, known))
            .Concat(Duplicates(files, d => JsonPaths.Text(d.Document["definitionId"]), "$.definitionId", "definitionId"))
            .Concat(Duplicates(files, d => OrderStatusChecks.CodeOf(d.Document), $"{OrderStatusChecks.Path}.code", "order status code"));
        var order = files.Select((f, i) => (f.File, i)).GroupBy(f => f.File).ToDictionary(g => g.Key, g => g.First().i);
        return errors.OrderBy(e => order.GetValueOrDefault(e.File)).ToList();
    }

    /// Parses and validates every `*.json` file directly inside <paramref name="directory"/>, in name order. A file
    /// that is not valid JSON gives one error naming its line and position; the other files are still checked.
    public IReadOnlyList<ValidationError> ValidateDirectory(string directory, KnownReferences? references = null)
    {
        if (!Directory.Exists(directory)) return [new ValidationError(directory, null, "$", "no such directory")];
        var parsed = new List<(WorkflowDefinition, string)>();
        var unreadable = new List<ValidationError>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            try
            {
                parsed.Add((WorkflowJson.Parse(File.ReadAllText(file), file), file));
            }
            catch (WorkflowFormatException e)
            {
                unreadable.Add(new ValidationError(e.File, null, e.JsonPath, e.Problem));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new ValidationError(file, null, "$", $"cannot read the file: {e.Message}"));
            }
        }
        return ValidateAll(parsed, references).Concat(unreadable).OrderBy(e => e.File, StringComparer.Ordinal).ToList();
    }

    private static void CheckDefinitionId(JsonObject document, ValidationReport report)
    {
        switch (document["definitionId"])
        {
            case null:
                report.Add("$.definitionId", "the workflow has no 'definitionId'");
                break;
            case var id when !JsonPaths.IsString(id):
                report.Add("$.definitionId", $"'definitionId' must be a string, found {JsonPaths.Kind(id)}");
                break;
            case var id when string.IsNullOrWhiteSpace(JsonPaths.Text(id)):
                report.Add("$.definitionId", "'definitionId' is empty");
                break;
        }
    }

    private static JsonObject? RootFlowchart(JsonObject document, ValidationReport report)
    {
        switch (document["root"])
        {
            case null:
                report.Add("$.root", $"the workflow has no 'root'; it must be an '{FlowchartType}'");
                return null;
            case JsonObject root when JsonPaths.Text(root["type"]) == FlowchartType:
                return root;
            case JsonObject root:
                var type = JsonPaths.Text(root["type"]);
                report.Add("$.root.type", type is null
                    ? $"the root activity has no 'type'; it must be an '{FlowchartType}'"
                    : $"the root activity is an '{type}'; it must be an '{FlowchartType}'", JsonPaths.Text(root["id"]));
                return null;
            case var other:
                report.Add("$.root", $"'root' must be an '{FlowchartType}' activity object, found {JsonPaths.Kind(other)}");
                return null;
        }
    }

    private static IEnumerable<ValidationError> Duplicates(
        List<(WorkflowDefinition Definition, string File)> files, Func<WorkflowDefinition, string?> key, string path, string what)
    {
        var firstFile = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (definition, file) in files)
        {
            if (key(definition) is not { } value || string.IsNullOrWhiteSpace(value)) continue;
            if (firstFile.TryGetValue(value, out var first))
                yield return new ValidationError(file, null, path, $"duplicate {what} '{value}': {first} uses it too");
            else
                firstFile[value] = file;
        }
    }
}
