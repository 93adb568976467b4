using System.Collections.Concurrent;
using System.Globalization;
using Automation.Server.Events;
using Automation.Server.Tests.Support;
using Automation.Workflows.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Automation.Server.Tests.EndToEnd;

/// A timer job whose work fails on a database error fires again after a back-off until it succeeds or its bookmark
/// (or marker) is gone, instead of being deleted with its only trigger until the next start. The fault is the real
/// database's: a trigger on the table the work writes that aborts the statement, dropped to heal it.
public sealed class TimerRetryTests
{
    private const string LaterText = "a minute after the order came";

    private static Dictionary<string, string?> FastRetries() => new()
    {
        ["Timers:RetryAfter"] = "00:00:00.100",
        ["Timers:RetryAtMost"] = "00:00:00.300",
    };

    private static Dictionary<string, string> DelayedRule() => new()
    {
        ["new"] = new StatusFlow("new", 100)
            .Add("later", "Automation.WriteToLog", new { text = LaterText, delay = new { kind = "After", value = 1, unit = "Minutes" } })
            .Connect("start->later"),
    };

    [Fact]
    public async Task A_delayed_rule_whose_resume_fails_is_retried_and_runs_once_on_SQLite()
    {
        var logs = new WarningLog();
        await using var host = await ServiceHost.StartAsync(DelayedRule(), FastRetries(), s => s.AddSingleton<ILoggerProvider>(logs));
        await DelayedRuleIsRetriedAsync(host, new SqliteFault(host.DatabaseFile), logs);
    }

    [Fact]
    public async Task A_delayed_rule_whose_resume_fails_is_retried_and_runs_once_on_clustered_PostgreSQL()
    {
        using var database = await TestDatabases.PostgresAsync();
        var settings = FastRetries();
        settings["Database:Provider"] = "PostgreSQL";
        settings["ConnectionStrings:Automation"] = database.ConnectionString;
        var logs = new WarningLog();
        await using var host = await ServiceHost.StartAsync(DelayedRule(), settings, s => s.AddSingleton<ILoggerProvider>(logs));
        await DelayedRuleIsRetriedAsync(host, new PostgresFault(database.ConnectionString), logs);
    }

    [Fact]
    public async Task A_timer_whose_bookmark_is_gone_stops_retrying()
    {
        var logs = new WarningLog();
        await using var host = await ServiceHost.StartAsync(DelayedRule(), FastRetries(), s => s.AddSingleton<ILoggerProvider>(logs));
        var fault = new SqliteFault(host.DatabaseFile);
        await fault.FailAsync("wf_bookmarks", "DELETE");
        var (orderId, bookmarkId) = await OrderWithDueTimerAsync(host);
        await Poll.UntilAsync(host, () => logs.Attempts($"bookmark {bookmarkId}").Count >= 2, "the failed resume was not retried");

        // Another node consumed it (or the instance was cancelled) while the database was failing.
        await fault.ExecuteAsync($"DROP TRIGGER test_fault; DELETE FROM wf_bookmarks WHERE \"Id\" = '{bookmarkId}';");
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var job = new JobKey(bookmarkId, QuartzTimerScheduler.Group);
        await Poll.UntilAsync(host, async () => !await scheduler.Exists(job), "the job of a gone bookmark kept firing");
        var attempts = logs.Attempts($"bookmark {bookmarkId}").Count;
        for (var i = 0; i < 10; i++) // well past the longest back-off, by the clock the scheduler fires by
        {
            host.Clock.Advance(Poll.Step);
            await Task.Delay(50);
        }

        Assert.Equal(attempts, logs.Attempts($"bookmark {bookmarkId}").Count);
        Assert.DoesNotContain(LaterText, await host.TimelineTextsAsync(orderId));
    }

    [Fact]
    public async Task A_wait_end_that_fails_is_retried_and_ends_the_marker_once()
    {
        var logs = new WarningLog();
        var flow = new StatusFlow("new", 100).Add("wait", "Automation.Wait", new { days = 1 }).Connect("start->wait");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow }, FastRetries(),
            s => s.AddSingleton<ILoggerProvider>(logs));
        var orderId = await CreateOrderAsync(host, responsibleId: 2);
        var marker = Assert.Single(await host.GetArrayAsync($"/api/orders/{orderId}/activities?includeCompleted=true"), a => a!["kind"]!.GetValue<string>() == "Wait")!;
        var markerId = marker["id"]!.GetValue<long>();
        var fault = new SqliteFault(host.DatabaseFile);
        await fault.FailAsync("crm_activities", "UPDATE");

        host.Clock.Advance(TimeSpan.FromDays(2)); // the end has come; scheduling it again (as a start does) fires it now
        await host.Services.GetRequiredService<WaitEnds>().ScheduleAsync(markerId, host.Clock.GetUtcNow(), CancellationToken.None);
        await Poll.UntilAsync(host, () => logs.Attempts($"wait marker {markerId}").Count >= 2, "the failed wait end was not retried");
        Assert.True(await host.Services.GetRequiredService<WaitEnds>().IsScheduledAsync(markerId, CancellationToken.None));
        await fault.ExecuteAsync("DROP TRIGGER test_fault;");

        await Poll.UntilAsync(host, async () => (await host.GetAsync($"/api/notifications?employeeId=2"))["items"]!.AsArray().Count > 0, "the marker did not end");
        await Poll.UntilAsync(host, async () => !await host.Services.GetRequiredService<WaitEnds>().IsScheduledAsync(markerId, CancellationToken.None),
            "the job stayed after the marker ended");
        Assert.Single((await host.GetAsync($"/api/notifications?employeeId=2"))["items"]!.AsArray());
        Assert.Single(await host.TimelineTextsAsync(orderId), t => t.StartsWith("Waiting 'Waiting for the client' completed: its end came", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, logs.Attempts($"wait marker {markerId}").Count), logs.Attempts($"wait marker {markerId}"));
    }

    private static async Task DelayedRuleIsRetriedAsync(ServiceHost host, DatabaseFault fault, WarningLog logs)
    {
        await fault.FailAsync("wf_bookmarks", "DELETE"); // consuming the timer's bookmark is the resume's commit
        var (orderId, bookmarkId) = await OrderWithDueTimerAsync(host);
        await Poll.UntilAsync(host, () => logs.Attempts($"bookmark {bookmarkId}").Count >= 2, "the failed resume was not retried");
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var job = new JobKey(bookmarkId, QuartzTimerScheduler.Group);
        Assert.True(await scheduler.Exists(job));
        Assert.DoesNotContain(LaterText, await host.TimelineTextsAsync(orderId));

        await fault.HealAsync("wf_bookmarks");

        await Poll.UntilAsync(host, async () => (await host.TimelineTextsAsync(orderId)).Contains(LaterText), "the delayed rule never ran");
        await Poll.UntilAsync(host, async () => !await scheduler.Exists(job), "the job stayed after its bookmark was consumed");
        Assert.Single(await host.TimelineTextsAsync(orderId), t => t == LaterText);
        var attempts = logs.Attempts($"bookmark {bookmarkId}");
        Assert.Equal(Enumerable.Range(1, attempts.Count), attempts);
    }

    /// Creates an order and lets the service's clock reach its delayed rule's timer; returns the order and the timer's
    /// bookmark. The timer is scheduled again at its time (as a start's reconciliation would): that wakes the
    /// scheduler, which would otherwise notice the moved test clock only after its idle wait.
    private static async Task<(long OrderId, string BookmarkId)> OrderWithDueTimerAsync(ServiceHost host)
    {
        var orderId = await CreateOrderAsync(host);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var bookmarkId = Assert.Single(await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(QuartzTimerScheduler.Group))).Name;
        var at = (await scheduler.GetTrigger(new TriggerKey(bookmarkId, QuartzTimerScheduler.Group)))!.StartTimeUtc;
        host.Clock.Advance(at - host.Clock.GetUtcNow());
        await host.Services.GetRequiredService<QuartzTimerScheduler>().ScheduleAsync([(bookmarkId, at)], CancellationToken.None);
        return (orderId, bookmarkId);
    }

    private static async Task<long> CreateOrderAsync(ServiceHost host, long? responsibleId = null) =>
        (await host.CreateOrderAsync(new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com", phone = "+1 555 0100" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
            responsibleId,
        }))["id"]!.GetValue<long>();

    /// A database that aborts every write of one kind to one table until healed.
    private abstract class DatabaseFault
    {
        public abstract Task FailAsync(string table, string operation);
        public abstract Task HealAsync(string table);
        public abstract Task ExecuteAsync(string sql);
    }

    private sealed class SqliteFault(string file) : DatabaseFault
    {
        public override Task FailAsync(string table, string operation) =>
            ExecuteAsync($"CREATE TRIGGER test_fault BEFORE {operation} ON {table} BEGIN SELECT RAISE(ABORT, 'injected fault: the database is unavailable'); END;");

        public override Task HealAsync(string table) => ExecuteAsync("DROP TRIGGER test_fault;");

        public override async Task ExecuteAsync(string sql)
        {
            await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    private sealed class PostgresFault(string connectionString) : DatabaseFault
    {
        public override async Task FailAsync(string table, string operation)
        {
            await ExecuteAsync("CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault: the database is unavailable'; END $$;");
            await ExecuteAsync($"CREATE TRIGGER test_fault BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION test_fault();");
        }

        public override Task HealAsync(string table) => ExecuteAsync($"DROP TRIGGER test_fault ON {table}; DROP FUNCTION test_fault();");

        public override async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// The timer retry warnings the service logged: which timer, which attempt.
    private sealed class WarningLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Timer, int Attempt)> _retries = new();

        public List<int> Attempts(string timer) => _retries.Where(r => r.Timer == timer).Select(r => r.Attempt).ToList();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName == typeof(TimerRetry).FullName ? _retries : null);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(string, int)>? retries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => retries is not null && logLevel == LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel) || state is not IReadOnlyList<KeyValuePair<string, object?>> values) return;
                var timer = values.FirstOrDefault(v => v.Key == "Timer").Value as string;
                var attempt = values.FirstOrDefault(v => v.Key == "Attempt").Value;
                if (timer is not null && attempt is not null) retries!.Enqueue((timer, Convert.ToInt32(attempt, CultureInfo.InvariantCulture)));
            }
        }
    }
}

/// Waits for a condition with a timeout, moving the service's clock (which Quartz fires by) a step every 50 ms.
internal static class Poll
{
    /// Shorter than the tests' back-offs, so a retry is due after a few steps and none is skipped.
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    public static Task UntilAsync(ServiceHost host, Func<bool> condition, string failure) => UntilAsync(host, () => Task.FromResult(condition()), failure);

    public static async Task UntilAsync(ServiceHost host, Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            host.Clock.Advance(Step);
            await Task.Delay(50);
        }
    }
}
