using System.Diagnostics;
using Automation.Testing;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Tests.Runtime;

/// Runs the engine with Quartz timers in a child process, kills it with SIGKILL mid-way and starts it again.
public sealed class CrashRecoveryTests
{
    private const int Instances = 30;

    [Fact]
    public async Task Killed_mid_workflow_and_restarted_every_step_runs_exactly_once_and_timers_fire_after_the_restart()
    {
        using var file = TestDatabases.NewSqliteFile("crash.db");
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(file.ConnectionString).DataSource;
        var database = new WorkflowDatabase(DatabaseProvider.Sqlite, file.ConnectionString);

        using (var first = StartHost(path, Instances, out var started, out var errors))
        {
            // Only look at the file once the host has migrated it and started its instances.
            if (await Task.WhenAny(started.Task, Task.Delay(TimeSpan.FromSeconds(60))) != started.Task)
                throw new TimeoutException($"the host did not start: {errors}");
            await WaitUntilAsync(async () => await CountAsync(database, "a2") >= 5, TimeSpan.FromSeconds(60), first, errors);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var before = await CountAsync(database, "a4");
        Assert.True(before < Instances, $"the kill came too late to prove anything: {before} instances already finished");

        using (var second = StartHost(path, 0, out _, out var secondErrors))
        {
            var exited = second.WaitForExitAsync();
            var finished = await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(90)));
            if (finished != exited) second.Kill(entireProcessTree: true);
            Assert.True(finished == exited, $"the restarted host did not finish every instance in time: {secondErrors}");
            Assert.Equal(0, second.ExitCode);
        }

        await using var connection = await database.OpenConnectionAsync();
        await using var db = WorkflowDb.Create(connection, database.Provider);
        var completed = await db.Journal.Where(j => j.Event == "Completed").GroupBy(j => new { j.InstanceId, j.ActivityId })
            .Select(g => new { g.Key.ActivityId, Count = g.Count() }).ToListAsync();
        Assert.All(completed, c => Assert.Equal(1, c.Count));
        Assert.Equal(Instances * 8, completed.Count);
        Assert.Equal(Instances, await db.Instances.CountAsync(i => i.Status == "Finished"));
        Assert.Equal(0, await db.Bookmarks.CountAsync());
    }

    private static Process StartHost(string dbPath, int instances, out TaskCompletionSource started, out System.Text.StringBuilder errors)
    {
        var ready = started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = errors = new System.Text.StringBuilder();
        var host = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Automation.Workflows.ProcessHost", "bin",
            new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name, "net10.0", "Automation.Workflows.ProcessHost.dll");
        var info = new ProcessStartInfo("dotnet", [Path.GetFullPath(host), dbPath, instances.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data == "started") ready.TrySetResult(); };
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<int> CountAsync(WorkflowDatabase database, string activityId)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync();
            await using var db = WorkflowDb.Create(connection, database.Provider);
            return await db.Journal.CountAsync(j => j.ActivityId == activityId && j.Event == "Completed");
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            return 0;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, Process process, System.Text.StringBuilder errors)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (process.HasExited) throw new InvalidOperationException($"the host exited early with code {process.ExitCode}: {errors}");
            if (watch.Elapsed > limit) throw new TimeoutException("the host made no progress");
            await Task.Delay(50);
        }
    }
}
