using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Bench.Http;

// End-to-end benchmark of the order pipeline through HTTP (issue 3): payment → Payment trigger → status change →
// three rules, each event committed before its response.
//   throughput [ORDERS] [CLIENTS]   payments as fast as CLIENTS concurrent callers can send them
//   latency [RATE] [SECONDS]         an open-loop load of RATE payments/s; latency measured from each request's planned start
//   all                              both, with the defaults
//   nodes [ORDERS] [CLIENTS] [RATE] [SECONDS]
//                                    PostgreSQL (AUTOMATION_BENCH_POSTGRES): throughput with 1 node, then with 2 nodes
//                                    sharing the database (and the ratio), then latency at RATE events/s on 2 nodes
//   workflows DIR                    writes the benchmark's workflows to DIR (to profile a server started by hand)
const int WarmUp = 1500; // payments sent to each node before anything is measured
const int LatencyWarmUpSeconds = 5; // then, before a latency measurement, seconds of payments at the measured rate
var mode = args.ElementAtOrDefault(0) ?? "all";
if (mode == "workflows")
{
    foreach (var (name, json) in BenchWorkflows.All) await File.WriteAllTextAsync(Path.Combine(args[1], name + ".json"), json);
    return;
}
var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
Console.WriteLine($"Order pipeline over HTTP, {Environment.ProcessorCount} cores, server {configuration}, {(mode == "nodes" ? "PostgreSQL" : "SQLite file")}");

if (mode == "nodes")
{
    var orders = int.Parse(args.ElementAtOrDefault(1) ?? "4000");
    var clients = int.Parse(args.ElementAtOrDefault(2) ?? "32");
    var one = await ThroughputAsync(orders, clients, nodes: 1, postgres: true);
    var two = await ThroughputAsync(orders, clients, nodes: 2, postgres: true);
    Console.WriteLine($"nodes: 2 nodes give {two / one:N2}x the throughput of 1 node ({two:N0} vs {one:N0} events/s), {Load()}");
    await LatencyAsync(int.Parse(args.ElementAtOrDefault(3) ?? "500"), int.Parse(args.ElementAtOrDefault(4) ?? "20"), nodes: 2, postgres: true);
    return;
}

if (mode is "throughput" or "all")
{
    var orders = int.Parse(args.ElementAtOrDefault(1) ?? "4000");
    foreach (var clients in mode == "all" ? [4, 16, 64] : new[] { int.Parse(args.ElementAtOrDefault(2) ?? "16") })
        await ThroughputAsync(orders, clients);
}
if (mode is "latency" or "all")
    await LatencyAsync(int.Parse(args.ElementAtOrDefault(1) ?? "500"), int.Parse(args.ElementAtOrDefault(2) ?? "20"));

async Task<double> ThroughputAsync(int orders, int clients, int nodes = 1, bool postgres = false)
{
    await using var cluster = await BenchCluster.StartAsync(configuration, nodes, postgres);
    var ids = await SeedAsync(cluster, orders);
    await WarmUpAsync(cluster, clients);
    Phase("paying");
    var next = -1;
    var cpu = cluster.CpuTime;
    var held = await WriterHeldAsync(cluster);
    var commits = await CommitsAsync(cluster);
    var allocated = await AllocatedAsync(cluster);
    var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < ids.Count) await PayAsync(cluster.For(i), ids[i]);
    }));
    watch.Stop();
    Phase("paid");
    var cpuPerEvent = (cluster.CpuTime - cpu).TotalMilliseconds / orders;
    var clientCpuPerEvent = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMilliseconds / orders;
    var heldPerEvent = (await WriterHeldAsync(cluster) - held) / orders;
    var allocatedPerEvent = (await AllocatedAsync(cluster) - allocated) / orders / 1024;
    var (units, groups) = await CommitsAsync(cluster);
    var perCommit = groups == commits.Commits ? 0 : (double)(units - commits.Units) / (groups - commits.Commits);
    await VerifyAsync(cluster, orders, postgres, ids[0], ids[^1]);
    var perSecond = orders / watch.Elapsed.TotalSeconds;
    Console.WriteLine($"throughput: {orders} payments, {clients} clients, {Nodes(cluster)}: {perSecond:N0} events/s ({watch.Elapsed.TotalSeconds:N1} s), server CPU {cpuPerEvent:N2} ms/event, server allocated {allocatedPerEvent:N1} KB/event, {(postgres ? "" : $"SQLite writer held {heldPerEvent:N2} ms/event, {perCommit:N1} units per commit, ")}load generator CPU {clientCpuPerEvent:N2} ms/event, {Load()}");
    return perSecond;
}

async Task LatencyAsync(int rate, int seconds, int nodes = 1, bool postgres = false)
{
    await using var cluster = await BenchCluster.StartAsync(configuration, nodes, postgres);
    var total = rate * seconds;
    var ids = await SeedAsync(cluster, total);
    await WarmUpAsync(cluster, 8);
    // Then at the measured rate itself: the paths many concurrent requests take are compiled and promoted too, before
    // anything is measured (a closed-loop warm-up left the JIT busy for seconds of an open-loop run on two nodes).
    var warming = await SeedAsync(cluster, rate * LatencyWarmUpSeconds);
    await OpenLoopAsync(cluster, warming, rate);
    await Task.Delay(TimeSpan.FromSeconds(1));
    Phase("paying");
    var latencies = await OpenLoopAsync(cluster, ids, rate);
    Phase("paid");
    await VerifyAsync(cluster, total + warming.Count, postgres, ids[0], ids[^1]);
    Array.Sort(latencies);
    double P(double q) => latencies[Math.Min(total - 1, (int)Math.Ceiling(q * total) - 1)];
    Console.WriteLine($"latency at {rate} events/s for {seconds} s ({total} payments, {Nodes(cluster)}): p50 {P(0.50):N1} ms, p95 {P(0.95):N1} ms, p99 {P(0.99):N1} ms, max {latencies[^1]:N1} ms, {(postgres ? "" : await LongestCheckpointAsync(cluster) + ", ")}{Load()}");
}

// An open-loop load: the i-th payment is sent at i / rate seconds whether or not earlier ones have been answered; its
// latency is measured from that planned start, so time spent queued counts.
static async Task<double[]> OpenLoopAsync(BenchCluster cluster, IReadOnlyList<long> ids, int rate)
{
    var latencies = new double[ids.Count];
    var clock = Stopwatch.StartNew();
    var inflight = new List<Task>(ids.Count);
    for (var i = 0; i < ids.Count; i++)
    {
        var planned = TimeSpan.FromSeconds((double)i / rate);
        var wait = planned - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
        var index = i;
        inflight.Add(Task.Run(async () =>
        {
            await PayAsync(cluster.For(index), ids[index]);
            latencies[index] = (clock.Elapsed - planned).TotalMilliseconds;
        }));
    }
    await Task.WhenAll(inflight);
    return latencies;
}

// For profiling: BENCH_PHASES=1 prints the monotonic clock (as perf record -k CLOCK_MONOTONIC stamps samples) at the
// start and end of the measured part, to cut a profile of the whole run down to it.
static void Phase(string name)
{
    if (Environment.GetEnvironmentVariable("BENCH_PHASES") == "1")
        Console.WriteLine($"phase {name} at {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:F6}");
}

static string Nodes(BenchCluster cluster) => cluster.Nodes == 1 ? "1 node" : $"{cluster.Nodes} nodes";

static string Load() => File.Exists("/proc/loadavg") ? "load " + File.ReadAllText("/proc/loadavg").Split(' ')[0] : "";

static async Task<List<long>> SeedAsync(BenchCluster cluster, int count)
{
    var ids = new long[count];
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            var response = await cluster.For(i).PostAsJsonAsync("/api/orders", new { client = new { name = $"Buyer {i}", email = $"buyer{i}@example.com" }, amount = 10, currency = "EUR" });
            response.EnsureSuccessStatusCode();
            ids[i] = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        }
    }));
    return [.. ids];
}

// The time units of work held SQLite's one writer, summed over the nodes' `/metrics` (automation.sqlite.writer.held):
// per event, the floor under a node's time per event however many cores it has.
static async Task<double> WriterHeldAsync(BenchCluster cluster) =>
    (await MetricPointsAsync(cluster, "automation.sqlite.writer.held")).Sum(p => p["sum"]?.GetValue<double>() ?? 0);

// The bytes the nodes' processes have allocated since they started (.NET's runtime meter in `/metrics`). Unlike CPU
// time per event it does not move with the machine's load, so it compares two builds' work per event in one run each.
static async Task<double> AllocatedAsync(BenchCluster cluster) =>
    (await MetricPointsAsync(cluster, "dotnet.gc.heap.total_allocated")).Sum(p => p["value"]?.GetValue<double>() ?? 0);

// Units of work committed and commits, summed over the nodes' `/metrics` (automation.sqlite.commit.units): several
// units per commit when they queue for SQLite's writer (group commit).
static async Task<(long Units, long Commits)> CommitsAsync(BenchCluster cluster)
{
    var points = await MetricPointsAsync(cluster, "automation.sqlite.commit.units");
    return ((long)points.Sum(p => p["sum"]?.GetValue<double>() ?? 0), points.Sum(p => p["count"]?.GetValue<long>() ?? 0));
}

// The longest time a checkpoint held the writer since the node started (seeding and warm-up included), and how many
// restarts of the log there were: every commit waits a restart out, so it shows whether a high p99 came from there.
// (A unit's longest hold is not shown: it is the start-up's migrations and publishing.)
static async Task<string> LongestCheckpointAsync(BenchCluster cluster)
{
    var checkpoints = (await MetricPointsAsync(cluster, "automation.sqlite.writer.held")).Where(p => p["tags"]?["holder"]?.GetValue<string>() == "checkpoint").ToList();
    var longest = checkpoints.Select(p => p["max"]?.GetValue<double>() ?? 0).DefaultIfEmpty(0).Max();
    var restarts = checkpoints.Sum(p => p["count"]?.GetValue<long>() ?? 0);
    return $"checkpoints held the writer at most {longest:N1} ms ({restarts} log restarts since start)";
}

// The points (one per tag set) of one instrument in every node's `/metrics`.
static async Task<List<JsonObject>> MetricPointsAsync(BenchCluster cluster, string instrument)
{
    var points = new List<JsonObject>();
    foreach (var client in cluster.Clients)
    {
        var metrics = await client.GetFromJsonAsync<JsonObject>("/metrics");
        points.AddRange((metrics?[instrument]?["points"] as JsonArray ?? []).OfType<JsonObject>());
    }
    return points;
}

static async Task PayAsync(HttpClient http, long orderId)
{
    var response = await http.PostAsJsonAsync($"/api/orders/{orderId}/payments", new { amount = 10 });
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"payment for order {orderId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

// JIT and tiered compilation settle on every node before anything is measured: after the seeding (whose code paths
// would otherwise still be compiled and promoted while the payments are measured), and with as many concurrent callers
// as the measurement (contention takes paths one caller never does).
static async Task WarmUpAsync(BenchCluster cluster, int clients)
{
    var ids = await SeedAsync(cluster, WarmUp * cluster.Nodes);
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < ids.Count) await PayAsync(cluster.For(i), ids[i]);
    }));
    await Task.Delay(TimeSpan.FromSeconds(1));
}

// Every payment must have moved its order and run the three rules; a benchmark that loses work measures nothing.
static async Task VerifyAsync(BenchCluster cluster, int expected, bool postgres, params long[] sample)
{
    expected += WarmUp * cluster.Nodes;
    var paid = (await cluster.For(0).GetFromJsonAsync<JsonObject>("/api/orders?status=paid&limit=1"))!["total"]!.GetValue<int>();
    if (paid != expected) throw new InvalidOperationException($"{expected} payments sent but {paid} orders are in 'paid'.");
    // The third rule drew a code from its counter: codes are unique, and on SQLite (drawn in the payment's transaction,
    // never skipping) at most the count. On PostgreSQL a unit retried after a conflict drew one more, so only unique.
    var codes = new List<int>();
    foreach (var id in sample)
    {
        var runs = await cluster.For(0).GetFromJsonAsync<JsonArray>($"/api/orders/{id}/runs");
        var code = runs!.SelectMany(r => r!["activities"]!.AsArray()).Where(a => (string?)a!["activityId"] == "code" && (string?)a["event"] == "Completed")
            .Select(a => (string?)a!["details"]?["outputs"]?["Code"]).SingleOrDefault();
        if (code is null || !System.Text.RegularExpressions.Regex.IsMatch(code, @"^PAID-\d{6}$"))
            throw new InvalidOperationException($"order {id} has no generated code PAID-nnnnnn (found '{code}')");
        codes.Add(int.Parse(code["PAID-".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }
    if (codes.Distinct().Count() != codes.Count || !postgres && codes.Max() > expected)
        throw new InvalidOperationException($"generated codes {string.Join(", ", codes)} are not unique or exceed the {expected} payments");
}
