using System.Collections;
using System.Diagnostics;
using System.Runtime;
using Automation.Workflows.Builtins;
using Automation.Workflows.Runtime;

namespace Automation.Bench;

/// Resume by stimulus through the hash index with N waiting instances; latency must stay flat as N grows, and so must
/// memory. Each resume hits: it picks an instance still waiting. Rounds of fresh instances keep the waiting count
/// between N and N + one round.
internal static class ResumeLatency
{
    private const int Rounds = 4;
    private const int PerRound = 500;

    public static async Task RunAsync(int maxWaiting)
    {
        await using var bench = await EngineBench.CreateAsync();
        await bench.PublishAsync("waiter", [EngineBench.Activity("start", "Elsa.Start"),
            EngineBench.Activity("wait", "Elsa.Event", "eventName", "seed"), EngineBench.Activity("after", "Elsa.WriteLine", "text", "resumed")]);
        var template = await bench.Engine.StartAsync(new StartWorkflow("waiter", "template"));
        var seeder = await Seeder.OpenAsync(bench.DbFile, template.InstanceId);
        var waiting = new Waiting(seeder);

        // Warm-up, not counted: at least 3 s, so that the JIT's background tier-up has finished on a busy machine.
        for (var warm = Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(3);)
        {
            await waiting.TopUpAsync(PerRound);
            await ResumeSomeAsync(bench, waiting, PerRound);
        }
        foreach (var level in new[] { 1_000, 10_000, 100_000, 1_000_000 }.Where(n => n <= maxWaiting))
        {
            var seedWatch = Stopwatch.StartNew();
            await waiting.TopUpAsync(level - waiting.Count);
            var seeding = seedWatch.Elapsed;
            Machine.ReturnFreedMemory(); // the seeder's page cache, freed but kept by the allocator, is the harness's
            var heapBefore = CompactedHeap();
            var samples = new List<(double Wall, double? Cpu)>();
            using var probe = new SchedulerProbe();
            for (var round = 0; round < Rounds; round++)
            {
                await waiting.TopUpAsync(PerRound);
                samples.AddRange(await ResumeSomeAsync(bench, waiting, PerRound));
            }
            var schedulerDelay = probe.P99();
            var heapAfter = CompactedHeap();
            var wall = samples.Select(x => x.Wall).Order().ToList();
            var cpu = samples.Where(x => x.Cpu is not null).Select(x => x.Cpu!.Value).Order().ToList();
            Console.WriteLine($"resume by stimulus: waiting={level,9:N0}..{level + PerRound:N0}  resumes={samples.Count}  " +
                              $"p50={P(wall, 0.5):F2} ms  p99={P(wall, 0.99):F2} ms  max={wall[^1]:F2} ms  " +
                              $"CPU p50={P(cpu, 0.5):F2} ms p99={P(cpu, 0.99):F2} ms ({cpu.Count} on one thread)  " +
                              $"managed heap={heapBefore / 1024.0 / 1024:F1} MB -> {heapAfter / 1024.0 / 1024:F1} MB  " +
                              $"working set={Environment.WorkingSet / 1024 / 1024} MB  (seeded in {seeding.TotalSeconds:F0} s; machine: sleep(1) wakes up to {schedulerDelay:F2} ms late at p99, {Machine.Load()})");
        }
    }

    private static double P(List<double> sorted, double quantile) => sorted.Count == 0 ? double.NaN : sorted[(int)(sorted.Count * quantile)];

    private static long CompactedHeap()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(true);
    }

    /// Resumes <paramref name="count"/> random waiting instances, one at a time; returns each resume's milliseconds.
    private static async Task<List<(double Wall, double? Cpu)>> ResumeSomeAsync(EngineBench bench, Waiting waiting, int count)
    {
        var samples = new List<(double, double?)>(count);
        for (var i = 0; i < count; i++)
        {
            var n = waiting.TakeRandom();
            var thread = Environment.CurrentManagedThreadId;
            var cpu = Machine.ThreadCpuTime();
            var watch = Stopwatch.StartNew();
            var resumed = await bench.Engine.ResumeAsync(new Stimulus(Event.TypeName, Event.Payload(Seeder.EventName(n))));
            watch.Stop();
            var sameThread = thread == Environment.CurrentManagedThreadId;
            if (resumed.Count != 1) throw new InvalidOperationException($"seed {n}: {resumed.Count} instances resumed, expected 1");
            samples.Add((watch.Elapsed.TotalMilliseconds, sameThread ? (Machine.ThreadCpuTime() - cpu).TotalMilliseconds : null));
        }
        return samples;
    }

    /// The seeded instances not resumed yet: one bit each, so that the harness's own memory stays out of the figure.
    private sealed class Waiting(Seeder seeder)
    {
        private readonly BitArray _resumed = new(0);
        private readonly Random _random = new(42);

        public int Count { get; private set; }

        public async Task TopUpAsync(int count)
        {
            if (count <= 0) return;
            await seeder.AddWaitingAsync(_resumed.Length, count);
            _resumed.Length += count;
            Count += count;
        }

        public int TakeRandom()
        {
            int n;
            do n = _random.Next(_resumed.Length); while (_resumed[n]);
            _resumed[n] = true;
            Count--;
            return n;
        }
    }
}
