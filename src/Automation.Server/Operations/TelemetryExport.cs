using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Automation.Server.Operations;

/// `Telemetry:*` — where metrics go. Without an OTLP endpoint nothing is exported (`/metrics` still answers).
public sealed record TelemetryOptions
{
    public const string Section = "Telemetry";

    /// The collector's OTLP endpoint: for HttpProtobuf the full URL (http://collector:4318/v1/metrics), for Grpc host and port.
    public string? OtlpEndpoint { get; init; }
    public OtlpExportProtocol OtlpProtocol { get; init; } = OtlpExportProtocol.HttpProtobuf;
    /// How often metrics are pushed to the collector.
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan ExportInterval { get; init; } = TimeSpan.FromSeconds(15);
    /// How often the outbox backlog and the bookmark count are counted for their gauges.
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// The OpenTelemetry SDK's MeterProvider, built by hand (no hosting package here) over the service's meters, with
/// the OTLP exporter when an endpoint is configured; it flushes and stops with the host. It also starts the in-process
/// snapshot behind `/metrics` before any work is taken.
public sealed class TelemetryExport(IOptions<TelemetryOptions> options, MetricsSnapshot snapshot, ILogger<TelemetryExport> log) : IHostedService
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = snapshot; // created with this service, so it listens from the start
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.OtlpEndpoint)) return Task.CompletedTask;
        _provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("order-automation", serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}"))
            .AddMeter(MetricsSnapshot.MeterNames)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri(settings.OtlpEndpoint);
                exporter.Protocol = settings.OtlpProtocol;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.ExportInterval.TotalMilliseconds;
            })
            .Build();
        log.LogInformation("Exporting metrics to {Endpoint} ({Protocol}) every {Interval}", settings.OtlpEndpoint, settings.OtlpProtocol, settings.ExportInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        var provider = Interlocked.Exchange(ref _provider, null);
        if (provider is null) return Task.CompletedTask;
        try
        {
            provider.ForceFlush(5000);
            provider.Dispose();
        }
        catch (Exception error)
        {
            // The SDK can throw while its exporting thread is still at work (seen as a NullReferenceException inside
            // MeterProviderSdk.Dispose); the last export is lost, the shutdown must not be.
            log.LogWarning(error, "Stopping the metrics export failed; the last export may be lost");
        }
        return Task.CompletedTask;
    }
}
