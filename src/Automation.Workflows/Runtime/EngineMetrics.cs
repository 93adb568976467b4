using System.Diagnostics.Metrics;

namespace Automation.Workflows.Runtime;

/// The engine's measurements, as System.Diagnostics.Metrics instruments (the host exports them through OpenTelemetry).
public static class EngineMetrics
{
    public const string MeterName = "Automation.Workflows";

    private static readonly Meter Meter = new(MeterName);

    /// How long one step took: from loading the instance to its commit (kind: start = run inside the caller's unit of work, resume, continue = cancel or recovery).
    public static readonly Histogram<double> StepDuration =
        Meter.CreateHistogram<double>("automation.step.duration", "ms", "Duration of one workflow step, load to commit");

    /// How long SQLite's one writer (the in-process write gate) was held, by a unit of work (holder: unit) or by the
    /// checkpoint that starts the log over (holder: checkpoint; every commit waits meanwhile, so its max is a floor
    /// under the worst latency). Its sum per second is the share of time the writer was busy: near 1000 ms/s, a node
    /// is limited by the writer, not by its cores.
    public static readonly Histogram<double> WriterHeld =
        Meter.CreateHistogram<double>("automation.sqlite.writer.held", "ms", "Time SQLite's writer was held, by a unit of work or a checkpoint");

    /// How many units of work one SQLite commit made durable (group commit, SqliteWriter): 1 when units come one at a
    /// time, more when they queue for the writer. Its count is the number of commits.
    public static readonly Histogram<long> CommitUnits =
        Meter.CreateHistogram<long>("automation.sqlite.commit.units", "{unit}", "Units of work made durable by one SQLite commit");

    internal static void RecordWriterHeld(long acquiredTimestamp, string holder) =>
        WriterHeld.Record(System.Diagnostics.Stopwatch.GetElapsedTime(acquiredTimestamp).TotalMilliseconds,
            new KeyValuePair<string, object?>("holder", holder));

    internal static void RecordStep(long startedTimestamp, string kind) =>
        StepDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds,
            new KeyValuePair<string, object?>("kind", kind));
}
