namespace Automation.Channels.Outbox;

/// How the sender works the outbox (configuration section "Outbox").
public sealed record OutboxOptions
{
    /// How often the sender looks for due messages when nobody wakes it.
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// How long a claimed message belongs to one sender; longer than any provider call may take.
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);
    /// Attempts in all, the first included; then the message is marked failed with the last error.
    public int MaxAttempts { get; init; } = 6;
    /// The wait after the first failed attempt; it doubles after each further one, up to MaxRetryDelay.
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(1);
    /// Messages delivered per pass at most.
    public int BatchSize { get; init; } = 50;

    public void Validate()
    {
        if (MaxAttempts < 1) throw new ChannelValidationException("Outbox:MaxAttempts", "must be at least 1");
        if (Lease <= TimeSpan.Zero) throw new ChannelValidationException("Outbox:Lease", "must be positive");
        if (PollInterval <= TimeSpan.Zero) throw new ChannelValidationException("Outbox:PollInterval", "must be positive");
        if (FirstRetryDelay < TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
            throw new ChannelValidationException("Outbox:FirstRetryDelay", "must be between zero and MaxRetryDelay");
        if (BatchSize < 1) throw new ChannelValidationException("Outbox:BatchSize", "must be at least 1");
    }

    /// The wait before the attempt after failed attempt number <paramref name="attempt"/> (1-based).
    public TimeSpan RetryDelay(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = FirstRetryDelay.TotalMilliseconds * factor;
        return delay >= MaxRetryDelay.TotalMilliseconds ? MaxRetryDelay : TimeSpan.FromMilliseconds(delay);
    }
}
