using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Automation.Server.Operations;

/// Counts the outbox backlog and the waiting bookmarks every few seconds for the gauges (an observable gauge's
/// callback must not wait on the database).
public sealed class BacklogSampler(WorkflowDatabase database, IOptions<TelemetryOptions> options, ILogger<BacklogSampler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                log.LogDebug(error, "Sampling the backlog failed; trying again");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await Task.Delay(options.Value.SampleInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async Task SampleAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        long backlog, bookmarks;
        await using (var channels = ChannelsDb.Create(connection, database.Provider))
            backlog = await channels.OutboxMessages.LongCountAsync(m => m.Status == OutboxStatus.Pending, ct);
        await using (var workflows = WorkflowDb.Create(connection, database.Provider))
            bookmarks = await workflows.Bookmarks.LongCountAsync(ct);
        ServiceMetrics.Sampled(backlog, bookmarks);
    }
}
