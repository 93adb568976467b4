using System.Diagnostics;
using System.Text.Json.Nodes;
using Automation.Bench;
using Automation.Workflows.Builtins;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;

// Benchmarks of the workflow engine on a SQLite file. Usage: Automation.Bench [runs|resume|all] [seconds] [maxBookmarks]
var mode = args.ElementAtOrDefault(0) ?? "all";
var seconds = int.TryParse(args.ElementAtOrDefault(1), out var s) ? s : 10;
var maxBookmarks = int.TryParse(args.ElementAtOrDefault(2), out var m) ? m : 1_000_000;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite file, mode={mode}");

if (mode is "runs" or "all") await DurableRunsAsync(TimeSpan.FromSeconds(seconds));
if (mode is "resume" or "all") await ResumeLatencyAsync(maxBookmarks);

// Start → 5 activities → finish, each run one committed step, from several concurrent callers.
static async Task DurableRunsAsync(TimeSpan duration)
{
    await using var bench = await EngineBench.CreateAsync();
    await bench.PublishAsync("five", [EngineBench.Activity("start", "Elsa.Start"),
        .. Enumerable.Range(1, 5).Select(i => EngineBench.Activity($"a{i}", "Elsa.WriteLine", "text", $"step {i}"))]);
    await bench.Engine.StartAsync(new StartWorkflow("five"));
    foreach (var callers in new[] { 1, 4, 16 })
    {
        var count = 0;
        var watch = Stopwatch.StartNew();
        var until = watch.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < until)
            {
                var result = await bench.Engine.StartAsync(new StartWorkflow("five", "bench"));
                if (result.Status != WorkflowStatus.Finished) throw new InvalidOperationException("run did not finish");
                Interlocked.Increment(ref count);
            }
        })));
        Console.WriteLine($"durable runs (start -> 5 activities -> finish, committed): callers={callers,2}  {count / watch.Elapsed.TotalSeconds,8:F0} runs/s");
    }
}

// Resume by stimulus through the hash index with N waiting instances; p50/p99 must stay flat as N grows.
static async Task ResumeLatencyAsync(int maxBookmarks)
{
    await using var bench = await EngineBench.CreateAsync();
    await bench.PublishAsync("waiter", [EngineBench.Activity("start", "Elsa.Start"),
        EngineBench.Activity("wait", "Elsa.Event", "eventName", "seed"), EngineBench.Activity("after", "Elsa.WriteLine", "text", "resumed")]);
    var template = await bench.Engine.StartAsync(new StartWorkflow("waiter", "template"));
    var seeded = 0;
    foreach (var target in new[] { 1_000, 10_000, 100_000, 1_000_000 }.Where(n => n <= maxBookmarks))
    {
        seeded += await Seeder.CloneWaitingAsync(bench.DbFile, template.InstanceId, seeded, target - seeded);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapBefore = GC.GetTotalMemory(true);
        var random = new Random(42);
        var samples = new List<double>();
        for (var i = 0; i < 2_000; i++)
        {
            var n = random.Next(seeded);
            var watch = Stopwatch.StartNew();
            var resumed = await bench.Engine.ResumeAsync(new Stimulus("Elsa.Event", Event.Payload($"evt-{n}")));
            watch.Stop();
            if (resumed.Count == 0) continue;
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        var p50 = samples[samples.Count / 2];
        var p99 = samples[(int)(samples.Count * 0.99)];
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Console.WriteLine($"resume by stimulus: waiting={seeded,9:N0}  resumes={samples.Count}  p50={p50:F2} ms  p99={p99:F2} ms  " +
                          $"managed heap={heapBefore / 1024.0 / 1024:F1} MB -> {GC.GetTotalMemory(true) / 1024.0 / 1024:F1} MB  working set={Environment.WorkingSet / 1024 / 1024} MB");
    }
}
