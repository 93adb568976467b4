using System.ComponentModel.DataAnnotations;

namespace Automation.Server.Hosting;

/// `Database:*` — which engine stores everything; the connection string is `ConnectionStrings:Automation`.
public sealed record DatabaseOptions
{
    public const string Section = "Database";
    public string Provider { get; init; } = "Sqlite";
}

/// `Workflows:*` — where the status workflow files live (relative paths are relative to the service's home folder).
public sealed record WorkflowsOptions
{
    public const string Section = "Workflows";
    [Required] public string Directory { get; init; } = "workflows";
}

/// `Security:*` — the key for `/api` and `/elsa/api`; empty means generate one at first start and keep it under data/.
public sealed record SecurityOptions
{
    public const string Section = "Security";
    public string? ApiKey { get; init; }
}

/// `Webhooks:*` — the secret in `/hooks/{secret}` (empty: generated and kept under data/), and an optional signing key:
/// when set, every webhook call must carry `X-Webhook-Signature: sha256=<hex HMAC-SHA256>`.
public sealed record WebhookOptions
{
    public const string Section = "Webhooks";
    public string? Secret { get; init; }
    public string? SigningKey { get; init; }
}

/// `Limits:*` — the largest request body the service reads.
public sealed record LimitOptions
{
    public const string Section = "Limits";
    [Range(1024, 1024 * 1024 * 1024)] public long MaxBodyBytes { get; init; } = 1024 * 1024;
}

/// `Pipeline:*` — the loop guard and the event inbox's lease.
public sealed record PipelineSettings
{
    public const string Section = "Pipeline";
    [Range(1, 10_000)] public int MaxRuleMoves { get; init; } = 10;
    public TimeSpan LoopWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// How long a receiver holds an event it processes itself before the background pump may take it over.
    public TimeSpan EventLease { get; init; } = TimeSpan.FromSeconds(30);
    /// How often the background pump looks for events nobody processed (e.g. after a crash).
    public TimeSpan PumpInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// The flood guard: at most this many new events for one order per window are processed (0: no guard).
    [Range(0, 1_000_000)] public int FloodLimit { get; init; } = 120;
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan FloodWindow { get; init; } = TimeSpan.FromMinutes(1);
}

/// `Recovery:*` — the sweep that continues instances a node left mid-step (a node killed and not restarted).
public sealed record RecoverySettings
{
    public const string Section = "Recovery";
    /// How often every node looks for stranded instances.
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Recovery:SweepInterval must be a positive duration of at most a day, e.g. 00:00:30.")]
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// How long an instance must have been left `Running` without an update before the sweep takes it; far longer
    /// than a step takes, so a step another node is running now is never taken.
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00", ErrorMessage = "Recovery:StaleAfter must be a positive duration of at most 7 days, e.g. 00:01:00.")]
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(60);
}
