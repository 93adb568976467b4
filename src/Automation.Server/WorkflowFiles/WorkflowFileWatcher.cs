using System.Threading.Channels;
using Automation.Server.Hosting;
using Automation.Workflows.Persistence;

namespace Automation.Server.WorkflowFiles;

/// Picks up changed workflow files without a restart (a `git pull`, an editor): after a burst of changes settles, the
/// whole directory is validated and synced as at start, one change at a time with Studio's publishes. Invalid files are
/// logged and nothing is published.
public sealed class WorkflowFileWatcher(WorkflowDirectory directory, WorkflowDatabase database, ILogger<WorkflowFileWatcher> log)
    : BackgroundService
{
    // Long enough for a checkout that rewrites several files to finish before they are read.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(400);

    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Directory.Exists(directory.Path)) return;
        using var watcher = new FileSystemWatcher(directory.Path, "*.json") { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        watcher.Changed += (_, _) => _changes.Writer.TryWrite(true);
        watcher.Created += (_, _) => _changes.Writer.TryWrite(true);
        watcher.Deleted += (_, _) => _changes.Writer.TryWrite(true);
        watcher.Renamed += (_, _) => _changes.Writer.TryWrite(true);
        watcher.EnableRaisingEvents = true;
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Settle, stoppingToken);
                while (_changes.Reader.TryRead(out _)) { }
                await SyncAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service is stopping.
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        try
        {
            // Every node watches the same files: one at a time publishes, the others find the new version there.
            var result = await directory.ExclusiveAsync(async () =>
            {
                await using (await PreparationLock.AcquireAsync(database, ct)) return await directory.SyncAsync(ct);
            }, ct);
            if (result.Published.Count + result.Retracted.Count > 0)
                log.LogInformation("Workflow files changed on disk: published {Published}, retracted {Retracted}",
                    string.Join(", ", result.Published), string.Join(", ", result.Retracted));
        }
        catch (InvalidWorkflowsException invalid)
        {
            log.LogError("Workflow files changed on disk but are invalid; nothing was published:{NewLine}{Errors}",
                Environment.NewLine, string.Join(Environment.NewLine, invalid.Errors));
        }
    }
}
