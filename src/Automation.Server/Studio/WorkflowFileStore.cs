using System.Text.Json.Nodes;
using Automation.Server.WorkflowFiles;
using Automation.Workflows.Model;
using Automation.Workflows.Validation;

namespace Automation.Server.Studio;

/// The workflow files behind Studio's publish and unpublish: which file holds a definition, what a new one is called,
/// validation against the other files, and writing that never leaves a half-written file behind.
public sealed class WorkflowFileStore(WorkflowDirectory directory, WorkflowValidator validator, WorkflowReferences references)
{
    public string Folder => directory.Path;

    /// The file that holds <paramref name="definitionId"/>, or the name a new file for <paramref name="definition"/> gets.
    public string PathFor(WorkflowDefinition definition) =>
        ReadAll().FirstOrDefault(f => f.Definition.DefinitionId == definition.DefinitionId).Path ?? NewPath(definition);

    public string? Find(string definitionId) =>
        ReadAll().FirstOrDefault(f => f.Definition.DefinitionId == definitionId).Path;

    /// The problems of <paramref name="definition"/> if it were written to <paramref name="path"/>, counting clashes with
    /// the other files (a definition id or status code used twice) and settings that name a status of no file, or an
    /// employee, list, template or form that does not exist.
    public async Task<IReadOnlyList<ValidationError>> ValidateAsync(WorkflowDefinition definition, string path, CancellationToken ct)
    {
        var name = System.IO.Path.GetFileName(path);
        var others = ReadAll().Where(f => !string.Equals(f.Path, path, StringComparison.Ordinal))
            .Select(f => (f.Definition, System.IO.Path.GetFileName(f.Path)));
        var known = await references.LoadAsync(ct);
        return validator.ValidateAll(others.Append((definition, name)), known).Where(e => e.File == name).ToList();
    }

    /// <paramref name="definition"/> as the file at <paramref name="path"/> would hold it once written.
    public WorkflowDefinition AsFileHolds(WorkflowDefinition definition, string path)
    {
        var existing = File.Exists(path) ? TryParse(path)?.Document : null;
        return WorkflowJson.Parse(WorkflowFileLayout.Write(definition, existing), path);
    }

    /// Activities of <paramref name="definition"/> whose type this server does not have, reported against its file.
    public IReadOnlyList<ValidationError> UnknownActivityTypes(WorkflowDefinition definition) =>
        validator.UnknownActivityTypes(definition, System.IO.Path.GetFileName(PathFor(definition)));

    public void Write(WorkflowDefinition definition, string path)
    {
        var existing = File.Exists(path) ? TryParse(path)?.Document : null;
        var temporary = path + ".saving";
        File.WriteAllText(temporary, WorkflowFileLayout.Write(definition, existing));
        File.Move(temporary, path, overwrite: true);
    }

    public void Delete(string definitionId)
    {
        if (Find(definitionId) is { } path) File.Delete(path);
    }

    private string NewPath(WorkflowDefinition definition)
    {
        var code = definition.CustomProperties["orderStatus"]?["code"] is JsonValue v && v.TryGetValue<string>(out var c) ? c : null;
        var stem = Slug(code) ?? Slug(definition.DefinitionId) ?? Slug(definition.Name) ?? "workflow";
        var path = System.IO.Path.Combine(Folder, stem + ".json");
        for (var n = 2; File.Exists(path); n++) path = System.IO.Path.Combine(Folder, $"{stem}-{n}.json");
        return path;
    }

    private static string? Slug(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var chars = text.Trim().ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-').ToArray();
        var slug = new string(chars).Trim('-');
        while (slug.Contains("--", StringComparison.Ordinal)) slug = slug.Replace("--", "-", StringComparison.Ordinal);
        return slug.Length == 0 ? null : slug;
    }

    private IEnumerable<(string Path, WorkflowDefinition Definition)> ReadAll()
    {
        if (!Directory.Exists(Folder)) yield break;
        foreach (var path in Directory.EnumerateFiles(Folder, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
            if (TryParse(path) is { } definition) yield return (path, definition);
    }

    private static WorkflowDefinition? TryParse(string path)
    {
        try
        {
            return WorkflowJson.Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is WorkflowFormatException or IOException)
        {
            return null;
        }
    }
}
