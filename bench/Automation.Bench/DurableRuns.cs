using System.Diagnostics;
using Automation.Workflows.Runtime;

namespace Automation.Bench;

/// Start → 5 activities → finish, each run one committed step, from 1, 4 and 16 concurrent callers.
internal static class DurableRuns
{
    public static async Task RunAsync(TimeSpan duration)
    {
        await using var bench = await EngineBench.CreateAsync();
        await bench.PublishAsync("five", [EngineBench.Activity("start", "Elsa.Start"),
            .. Enumerable.Range(1, 5).Select(i => EngineBench.Activity($"a{i}", "Elsa.WriteLine", "text", $"step {i}"))]);
        // Warm-up: the JIT's tiered compilation makes the first seconds slower; they would count against one caller only.
        await MeasureAsync(bench, 4, TimeSpan.FromSeconds(3));
        foreach (var callers in new[] { 1, 4, 16 })
        {
            var cpuBefore = Machine.CpuTime();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var (runs, elapsed) = await MeasureAsync(bench, callers, duration);
            var cpuPerRun = (Machine.CpuTime() - cpuBefore).TotalMicroseconds / runs;
            var kbPerRun = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / runs;
            Console.WriteLine($"durable runs (start -> 5 activities -> finish, committed): callers={callers,2}  {runs / elapsed.TotalSeconds,8:F0} runs/s  " +
                              $"CPU {cpuPerRun:F0} us/run  allocated {kbPerRun:F0} KB/run  ({Machine.Load()})");
        }
    }

    private static async Task<(int Runs, TimeSpan Elapsed)> MeasureAsync(EngineBench bench, int callers, TimeSpan duration)
    {
        var count = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                var result = await bench.Engine.StartAsync(new StartWorkflow("five", "bench"));
                if (result.Status != WorkflowStatus.Finished) throw new InvalidOperationException("run did not finish");
                Interlocked.Increment(ref count);
            }
        })));
        return (count, watch.Elapsed);
    }
}
