using System.Diagnostics.Metrics;
using Automation.Rules.Pipeline;

namespace Automation.Server.Operations;

/// The service's own measurements: events in and out of the inbox, and the sampled backlogs (outbox, bookmarks).
/// The engine's and the rules' instruments live beside their code (EngineMetrics, RuleMetrics).
public static class ServiceMetrics
{
    public const string MeterName = "Automation.Server";

    private static readonly Meter Meter = new(MeterName);
    private static long _outboxBacklog;
    private static long _bookmarks;

    /// Events stored in the inbox (duplicates by idempotency key are not counted again), by event type.
    public static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>("automation.events.received", "{event}", "Events received, by type");

    /// Events processed, by result: moved (the order changed status), not_moved, failed (left for the inbox pump).
    public static readonly Counter<long> EventsProcessed = Meter.CreateCounter<long>("automation.events.processed", "{event}", "Events processed, by result");

    static ServiceMetrics()
    {
        Meter.CreateObservableGauge("automation.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog), "{message}",
            "Outbox messages waiting to be delivered");
        Meter.CreateObservableGauge("automation.bookmarks", () => Interlocked.Read(ref _bookmarks), "{bookmark}",
            "Workflow bookmarks waiting (events, timers, rule waits)");
    }

    public static void Received(string type) => EventsReceived.Add(1, new KeyValuePair<string, object?>("type", type));

    public static void Processed(EventOutcome? outcome) =>
        EventsProcessed.Add(1, new KeyValuePair<string, object?>("result", outcome is null ? "failed" : outcome.Moved ? "moved" : "not_moved"));

    /// The backlog sampler's latest counts, read by the observable gauges.
    internal static void Sampled(long outboxBacklog, long bookmarks)
    {
        Interlocked.Exchange(ref _outboxBacklog, outboxBacklog);
        Interlocked.Exchange(ref _bookmarks, bookmarks);
    }
}
