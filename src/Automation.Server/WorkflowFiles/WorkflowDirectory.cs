using Automation.Server.Hosting;
using Automation.Workflows.Model;
using Automation.Workflows.Runtime;
using Automation.Workflows.Validation;
using Microsoft.Extensions.Options;

namespace Automation.Server.WorkflowFiles;

/// The workflow files are the truth (DESIGN.md §3): at start every file is validated, a file whose content differs
/// from the published version is published as a new version, and a published definition whose file is gone is retracted.
public sealed class WorkflowDirectory(
    WorkflowValidator validator, WorkflowDefinitions definitions, WorkflowReferences references, IOptions<WorkflowsOptions> options,
    ServiceHome home, ILogger<WorkflowDirectory> log)
{
    // One change to the files and the published set at a time: Studio's publishes and the watcher's syncs.
    private readonly SemaphoreSlim _changing = new(1, 1);

    public string Path => AutomationHome.Resolve(home.Path, options.Value.Directory);

    /// Runs <paramref name="work"/> while no other change to the workflow files or the published set runs.
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _changing.WaitAsync(ct);
        try
        {
            return await work();
        }
        finally
        {
            _changing.Release();
        }
    }

    /// Validates and publishes the directory; throws InvalidWorkflowsException listing every error, publishing nothing.
    public async Task<SyncResult> SyncAsync(CancellationToken ct)
    {
        // Statuses and forms come from the files and the configuration: naming one that does not exist stops the sync.
        var errors = validator.ValidateDirectory(Path, references.FromConfiguration());
        if (errors.Count > 0) throw new InvalidWorkflowsException(Path, errors);
        // Employees, lists and templates are created through this very service, so naming one that does not exist yet
        // is reported but does not keep it from starting (Studio's publish and `validate` refuse it).
        foreach (var missing in validator.ValidateDirectory(Path, await references.LoadAsync(ct)).Except(errors))
            log.LogError("Workflow setting names data that does not exist: {Problem}", missing);
        var files = Directory.EnumerateFiles(Path, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal)
            .Select(file => WorkflowJson.Parse(File.ReadAllText(file), file)).ToList();
        var published = new List<string>();
        foreach (var file in files)
        {
            var current = await definitions.GetAsync(file.DefinitionId, VersionOptions.Published, ct);
            if (current is not null && WorkflowDefinitions.SameContent(current, file)) continue;
            var saved = await definitions.SaveAsync(file, publish: true, ct);
            published.Add($"{saved.DefinitionId} v{saved.Version}");
        }
        var inFiles = files.Select(f => f.DefinitionId).ToHashSet(StringComparer.Ordinal);
        var retracted = new List<string>();
        foreach (var gone in (await definitions.ListAsync(VersionOptions.Published, ct)).Where(d => !inFiles.Contains(d.DefinitionId)))
        {
            await definitions.RetractAsync(gone.DefinitionId, ct);
            retracted.Add(gone.DefinitionId);
        }
        log.LogInformation("Workflows in {Directory}: {Count} files, published {Published}, retracted {Retracted}",
            Path, files.Count, published.Count == 0 ? "none" : string.Join(", ", published), retracted.Count == 0 ? "none" : string.Join(", ", retracted));
        return new SyncResult(files.Count, published, retracted);
    }
}

/// What a sync did: files read, versions published ("paid v3"), definitions retracted.
public sealed record SyncResult(int Files, IReadOnlyList<string> Published, IReadOnlyList<string> Retracted);

/// The workflow directory has errors; the service does not start on them.
public sealed class InvalidWorkflowsException(string directory, IReadOnlyList<ValidationError> errors)
    : Exception($"The workflows in {directory} are invalid ({errors.Count} error(s)):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}")
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
