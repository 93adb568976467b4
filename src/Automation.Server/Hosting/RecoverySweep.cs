using Automation.Workflows.Runtime;
using Microsoft.Extensions.Options;

namespace Automation.Server.Hosting;

/// Every `Recovery:SweepInterval`, continues the instances left `Running` and not updated for `Recovery:StaleAfter`:
/// what a node killed mid-step leaves behind, recovered without waiting for any node to restart. Every node sweeps; the
/// engine's revision check and re-check on a fresh load make each instance continue once.
public sealed class RecoverySweep(WorkflowEngine engine, TimeProvider clock, IOptions<RecoverySettings> settings, ILogger<RecoverySweep> log)
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
            try
            {
                // Stopping cancels the step in hand: it rolls back, and the instance stays stranded for another sweep.
                var continued = await engine.ContinueStrandedAsync(clock.GetUtcNow() - staleAfter, stoppingToken);
                if (continued > 0)
                    log.LogInformation("Continued {Instances} instance(s) left mid-step and not updated for {StaleAfter}", continued, staleAfter);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // The host is going away (e.g. a failed start).
            }
            catch (Exception error)
            {
                log.LogError(error, "The recovery sweep failed; it tries again in {Interval}", interval);
            }
        }
    }
}
