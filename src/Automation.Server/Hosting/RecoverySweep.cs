using Automation.Channels.Mail;
using Automation.Workflows.Runtime;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// Every `Recovery:SweepInterval`, finishes what a node killed mid-work leaves behind, once it is `Recovery:StaleAfter`
/// old, without waiting for any node to restart:
/// - the instances left `Running` and not updated since: the engine's revision check and re-check on a fresh load make
///   each continue once, whichever nodes sweep;
/// - the incoming mail stored and never reported to the order pipeline (the node died between the two, or the report
///   failed): reported now; its events carry idempotency keys, so a report given twice moves nothing twice.
public sealed class RecoverySweep(
    WorkflowEngine engine, InboundMailStore mail, TimeProvider clock, IOptions<RecoverySettings> settings, ILogger<RecoverySweep> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (interval, staleAfter) = (settings.Value.SweepInterval, settings.Value.StaleAfter);
        // Start-up recovery has just taken everything; the first sweep comes one interval later.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested) return;
            // Stopping cancels the step in hand: it rolls back, and the instance stays stranded for another sweep.
            var instances = await SweepAsync("instances left mid-step", () => engine.ContinueStrandedAsync(clock.GetUtcNow() - staleAfter, stoppingToken), stoppingToken);
            if (instances > 0)
                log.LogInformation("Continued {Instances} instance(s) left mid-step and not updated for {StaleAfter}", instances, staleAfter);
            if (instances < 0) return;
            var messages = await SweepAsync("unreported incoming mail", () => mail.NotifyPendingAsync(clock.GetUtcNow() - staleAfter, stoppingToken), stoppingToken);
            if (messages > 0)
                log.LogInformation("Reported {Messages} incoming email(s) stored at least {StaleAfter} ago and never reported", messages, staleAfter);
            if (messages < 0) return;
        }
    }

    /// One part of the sweep: how many things it finished, 0 when it failed (the next sweep tries again), -1 when the
    /// host is stopping.
    private async Task<int> SweepAsync(string what, Func<Task<int>> sweep, CancellationToken stoppingToken)
    {
        try
        {
            return await sweep();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return -1;
        }
        catch (ObjectDisposedException)
        {
            return -1; // The host is going away (e.g. a failed start).
        }
        catch (Exception error)
        {
            log.LogError(error, "The recovery sweep of {What} failed; it tries again in {Interval}", what, settings.Value.SweepInterval);
            return 0;
        }
    }
}
