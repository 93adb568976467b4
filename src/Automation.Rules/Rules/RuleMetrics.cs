using System.Diagnostics.Metrics;

namespace Automation.Rules.Rules;

/// How often each kind of rule runs and fails (the host exports these through OpenTelemetry).
public static class RuleMetrics
{
    public const string MeterName = "Automation.Rules";

    private static readonly Meter Meter = new(MeterName);

    /// Rules that ran (their condition held), by activity type.
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("automation.rule.runs", "{run}", "Rules run, by type");

    /// Rules that threw, by activity type.
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("automation.rule.failures", "{failure}", "Rules failed, by type");

    internal static KeyValuePair<string, object?> Type(string type) => new("type", type);
}
