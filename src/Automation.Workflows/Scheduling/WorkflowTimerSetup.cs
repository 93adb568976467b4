using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Automation.Workflows.Scheduling;

/// Wires Quartz with its persistent job store in the workflow database (clustered on PostgreSQL).
public static class WorkflowTimerSetup
{
    public static IServiceCollection AddWorkflowTimers(this IServiceCollection services, DatabaseProvider provider,
        string connectionString, string? nodeId = null)
    {
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "automation";
                if (nodeId is not null) o.InstanceId = nodeId;
                else o.GenerateInstanceId = true;
            });
            q.UsePersistentStore(store =>
            {
                if (provider == DatabaseProvider.PostgreSql)
                {
                    store.UsePostgres(connectionString);
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                    });
                }
                else
                {
                    store.UseSqlite(SqliteFactory.Instance, connectionString);
                }
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddOptions<TimerRetryOptions>();
        services.AddSingleton<TimerRetry>();
        services.AddSingleton<QuartzTimerScheduler>();
        services.AddSingleton<ITimerScheduler>(sp => sp.GetRequiredService<QuartzTimerScheduler>());
        return services;
    }
}
