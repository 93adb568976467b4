using Automation.Channels.Persistence;
using Automation.Orders.Employees;
using Automation.Orders.Persistence;
using Automation.Server.Events;
using Automation.Server.WorkflowFiles;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Scheduling;
using Quartz;

namespace Automation.Server.Hosting;

/// Before anything else runs: migrate the database, seed the configured employees, publish the workflow files
/// (refusing to start on invalid ones), and say where the service keeps its secrets. Nodes sharing a PostgreSQL database do
/// this one at a time (an advisory lock), so two nodes starting together neither migrate nor publish twice.
public sealed class StartupPreparation(
    WorkflowDatabase database, StorageSettings storage, WorkflowDirectory workflows, ServiceSecrets secrets,
    ISchedulerFactory schedulers, IConfiguration configuration, ILogger<StartupPreparation> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using (await PreparationLock.AcquireAsync(database, ct))
        {
            await database.MigrateAsync(ct);
            await StoreDatabase.MigrateAsync(storage.ConnectionString, storage.StoreProvider, ct);
            await ChannelsDatabase.MigrateAsync(storage.ConnectionString, storage.WorkflowProvider, ct);
            // Creating the scheduler provisions Quartz's tables; inside the lock, so two nodes do not race on them.
            await schedulers.GetScheduler(ct);
            // Employees first: the workflows' settings may name them.
            await SeedEmployeesAsync(ct);
            await workflows.SyncAsync(ct);
        }
        if (secrets.ApiKeyGenerated)
            log.LogWarning("API key (Authorization: ApiKey <key> or X-Api-Key): {ApiKey} (generated, kept in data/secrets.json; set Security:ApiKey to choose one)", secrets.ApiKey);
        if (secrets.WebhookSecretGenerated)
            log.LogWarning("Webhook URL: /hooks/{Secret}?target=ORDER_<id>&code=<code> (secret generated, kept in data/secrets.json; set Webhooks:Secret to choose one)", secrets.WebhookSecret);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private async Task SeedEmployeesAsync(CancellationToken ct)
    {
        var staff = configuration.GetSection("Employees").Get<List<NewEmployee>>() ?? [];
        if (staff.Count == 0) return;
        await using var work = await database.BeginAsync(ct);
        await new EmployeeDirectory(work.Db<StoreDb>()).SeedAsync(staff, ct);
        await work.CommitAsync(ct);
    }
}

/// Once the scheduler runs: re-create timers the job store lost and finish instances a crash interrupted mid-step.
public sealed class StartupRecovery(
    WorkflowDatabase database, QuartzTimerScheduler timers, WaitEnds waitEnds, WebhookSecrets webhookSecrets, WorkflowEngine engine,
    ILogger<StartupRecovery> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await webhookSecrets.ReportAsync(ct);
        var rescheduled = await timers.ReconcileAsync(database, ct) + await waitEnds.ReconcileAsync(ct);
        var recovered = await engine.RecoverAsync(ct);
        if (rescheduled + recovered > 0)
            log.LogInformation("Recovered {Instances} interrupted instance(s) and {Timers} timer(s)", recovered, rescheduled);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
