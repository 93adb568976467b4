using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Automation.Rules.Rules;
using Automation.Workflows.Runtime;

namespace Automation.Server.Operations;

/// What `/metrics` shows: every measurement of the service's meters since this node started, aggregated in process by
/// a MeterListener (counter sums, gauge values, histogram count/sum/max/p99), one point per tag set.
public sealed class MetricsSnapshot : IDisposable
{
    /// The service's own meters, and .NET's runtime meter (GC, allocations, CPU time, thread pool, exceptions).
    public static readonly string[] MeterNames = [ServiceMetrics.MeterName, EngineMetrics.MeterName, RuleMetrics.MeterName, RuntimeMeterName];

    public const string RuntimeMeterName = "System.Runtime";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Tags), Point> _points = new();

    public MetricsSnapshot()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (MeterNames.Contains(instrument.Meter.Name)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// Instruments by name, each with its points; observable gauges are read now.
    public IReadOnlyDictionary<string, MetricView> Read()
    {
        _listener.RecordObservableInstruments();
        return _points.GroupBy(p => p.Key.Instrument).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new MetricView(g.First().Value.Kind, g.First().Value.Unit, g.OrderBy(p => p.Key.Tags, StringComparer.Ordinal)
                .Select(p => p.Value.View(p.Key.Tags)).ToList()));
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = (instrument.Name, Describe(tags));
        var point = _points.GetOrAdd(key, _ => new Point(instrument switch
        {
            Counter<long> or Counter<double> => "counter",
            Histogram<double> or Histogram<long> => "histogram",
            _ => "gauge",
        }, instrument.Unit));
        point.Add(value);
    }

    private static string Describe(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var tag in tags) parts.Add($"{tag.Key}={tag.Value}");
        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    /// One tag set's aggregate. Histograms keep exponential buckets (×1.25) for the p99.
    private sealed class Point(string kind, string? unit)
    {
        private const double Growth = 1.25;
        private readonly Lock _gate = new();
        private readonly SortedDictionary<int, long> _buckets = [];
        private double _sum, _max, _last;
        private long _count;

        public string Kind { get; } = kind;
        public string? Unit { get; } = unit;

        public void Add(double value)
        {
            lock (_gate)
            {
                _count++;
                _sum += value;
                _last = value;
                _max = _count == 1 ? value : Math.Max(_max, value);
                if (Kind == "histogram")
                {
                    var bucket = value <= 0.001 ? int.MinValue : (int)Math.Ceiling(Math.Log(value) / Math.Log(Growth));
                    _buckets[bucket] = _buckets.GetValueOrDefault(bucket) + 1;
                }
            }
        }

        public MetricPoint View(string tags)
        {
            lock (_gate)
            {
                var labels = tags.Length == 0 ? new Dictionary<string, string>()
                    : tags.Split(',').Select(t => t.Split('=', 2)).ToDictionary(t => t[0], t => t[1]);
                return Kind switch
                {
                    "counter" => new MetricPoint(labels, _sum, null, null, null, null),
                    "gauge" => new MetricPoint(labels, _last, null, null, null, null),
                    _ => new MetricPoint(labels, null, _count, _sum, _max, Quantile(0.99)),
                };
            }
        }

        private double Quantile(double q)
        {
            var rank = (long)Math.Ceiling(q * _count);
            long seen = 0;
            foreach (var (bucket, count) in _buckets)
            {
                seen += count;
                if (seen >= rank) return bucket == int.MinValue ? 0 : Math.Min(_max, Math.Pow(Growth, bucket));
            }
            return _max;
        }
    }
}

/// One instrument in `/metrics`: counter, gauge or histogram, its unit, and one point per tag set.
public sealed record MetricView(string Kind, string? Unit, IReadOnlyList<MetricPoint> Points);

/// A counter's sum or a gauge's value; a histogram's count, sum, max and p99 (upper bound of its bucket, ≤ 25% over).
public sealed record MetricPoint(IReadOnlyDictionary<string, string> Tags, double? Value, long? Count, double? Sum, double? Max, double? P99);
