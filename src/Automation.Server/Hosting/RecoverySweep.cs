using Automation.Channels.Mail;
using Automation.Server.Events;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Scheduling;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// Every `Recovery:SweepInterval`, finishes what a node killed mid-work leaves behind, once it is `Recovery:StaleAfter`
/// old, without waiting for any node to restart:
/// - the instances left `Running` and not updated since: the engine's revision check and re-check on a fresh load make
///   each continue once, whichever nodes sweep;
/// - the incoming mail stored and never reported to the order pipeline (the node died between the two, or the report
///   failed): reported now; its events carry idempotency keys, so a report given twice moves nothing twice;
/// - the timers (rule delays, Delay, the Wait rule's ends) committed without their Quartz job (the node died between
///   the commit and the scheduling call): scheduled now. Timer bookmarks are looked up by the time they were set: since
///   the last pass, less StaleAfter again (nodes' clocks may differ a little), through the index of the timers waiting
///   now; start-up checked all that were set before. The Wait rule's markers are activities, history that only grows,
///   so each pass walks on by id from where the last stopped (the first pass reads them all once).
public sealed class RecoverySweep(
    WorkflowEngine engine, InboundMailStore mail, WorkflowDatabase database, QuartzTimerScheduler timers, WaitEnds waitEnds,
    TimeProvider clock, IOptions<RecoverySettings> settings, ILogger<RecoverySweep> log)
    : BackgroundService
{
    private bool _hostGone;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var (interval, staleAfter) = (settings.Value.SweepInterval, settings.Value.StaleAfter);
        var timersCheckedUpTo = clock.GetUtcNow() - staleAfter;
        var markersCheckedUpTo = 0L;
        // Start-up recovery has just taken everything; the first sweep comes one interval later.
        while (!stoppingToken.IsCancellationRequested && !_hostGone)
        {
            await Task.Delay(interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            if (stoppingToken.IsCancellationRequested) return;
            // Stopping cancels the step in hand: it rolls back, and the instance stays stranded for another sweep.
            var instances = await SweepAsync("instances left mid-step", () => engine.ContinueStrandedAsync(clock.GetUtcNow() - staleAfter, stoppingToken), stoppingToken);
            if (instances > 0)
                log.LogInformation("Continued {Instances} instance(s) left mid-step and not updated for {StaleAfter}", instances, staleAfter);
            var messages = await SweepAsync("unreported incoming mail", () => mail.NotifyPendingAsync(clock.GetUtcNow() - staleAfter, stoppingToken), stoppingToken);
            if (messages > 0)
                log.LogInformation("Reported {Messages} incoming email(s) stored at least {StaleAfter} ago and never reported", messages, staleAfter);
            var (setSince, setBefore) = (timersCheckedUpTo - staleAfter, clock.GetUtcNow() - staleAfter);
            if (await SweepAsync("timers without a job", () => timers.ReconcileAsync(database, setSince, setBefore, stoppingToken), stoppingToken) is not null)
                timersCheckedUpTo = setBefore;
            var markersFrom = markersCheckedUpTo;
            await SweepAsync("wait ends without a job", async () =>
            {
                (var scheduled, markersCheckedUpTo) = await waitEnds.ReconcileCreatedAfterAsync(markersFrom, setBefore, stoppingToken);
                return scheduled;
            }, stoppingToken);
        }
    }

    /// One part of the sweep: how many things it finished; null when it failed (the next sweep tries again) or the host
    /// is stopping.
    private async Task<int?> SweepAsync(string what, Func<Task<int>> sweep, CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested || _hostGone) return null;
        try
        {
            return await sweep();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            _hostGone = true; // e.g. a failed start
            return null;
        }
        catch (Exception error)
        {
            log.LogError(error, "The recovery sweep of {What} failed; it tries again in {Interval}", what, settings.Value.SweepInterval);
            return null;
        }
    }
}
