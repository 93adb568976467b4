using Microsoft.Extensions.Hosting;

namespace Automation.Channels.Outbox;

/// Runs the outbox sender for as long as the host runs.
public sealed class OutboxSenderService(OutboxSender sender) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sender.RunAsync(stoppingToken);
}
