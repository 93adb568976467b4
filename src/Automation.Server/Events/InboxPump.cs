using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Rules.Pipeline;
using Automation.Server.Hosting;
using Automation.Server.Operations;
using Automation.Workflows.Persistence;
using Microsoft.Extensions.Options;

namespace Automation.Server.Events;

/// Processes the events nobody finished: those left by a crash or a failed attempt, once their lease has ended.
/// An event that keeps failing is set aside after MaxAttempts with the last error as its outcome.
public sealed class InboxPump(
    WorkflowDatabase database, EventProcessor processor, TimeProvider clock, IOptions<PipelineSettings> settings,
    ILogger<InboxPump> log) : BackgroundService
{
    public const int MaxAttempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Between events the pump stops when asked; an event it has taken is finished first (graceful shutdown).
                while (!stoppingToken.IsCancellationRequested && await ProcessNextAsync(CancellationToken.None)) { }
            }
            catch (ObjectDisposedException)
            {
                return; // The host is going away (e.g. a failed start); there is nothing left to pump into.
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                log.LogError(error, "The inbox pump failed; it tries again");
            }
            await Task.Delay(settings.Value.PumpInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// Takes one abandoned event and processes it; false when there is none.
    public async Task<bool> ProcessNextAsync(CancellationToken ct)
    {
        InboxEvent? claimed;
        await using (var work = await database.BeginAsync(ct))
        {
            claimed = await new EventInbox(work.Db<StoreDb>(), clock).ClaimNextAsync(settings.Value.EventLease, ct);
            await work.CommitAsync(ct);
        }
        if (claimed is null) return false;
        try
        {
            var outcome = await processor.ProcessAsync(claimed.Id, ct);
            ServiceMetrics.Processed(outcome);
            log.LogInformation("Inbox event {EventId} ({Type}) processed late: {Outcome}", claimed.Id, claimed.Type, outcome.Describe());
        }
        catch (Exception error) when (error is not OperationCanceledException && claimed.Attempts < MaxAttempts)
        {
            ServiceMetrics.Processed(null);
            throw;
        }
        catch (Exception error) when (error is not OperationCanceledException && claimed.Attempts >= MaxAttempts)
        {
            ServiceMetrics.Processed(null);
            await using var work = await database.BeginAsync(ct);
            await new EventInbox(work.Db<StoreDb>(), clock).MarkProcessedAsync(claimed.Id, $"failed after {claimed.Attempts} attempts: {error.Message}", ct);
            await work.CommitAsync(ct);
            log.LogError(error, "Inbox event {EventId} failed {Attempts} times and is set aside", claimed.Id, claimed.Attempts);
        }
        return true;
    }
}
