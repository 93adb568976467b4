namespace Automation.Channels.Tracking;

/// A tracked link (or open pixel) in a sent email: the token in the URL, and what it stands for.
public sealed class TrackingLink
{
    public long Id { get; set; }
    public required string Token { get; set; }
    /// One of <see cref="TrackingKinds"/>.
    public required string Kind { get; set; }
    /// The original URL of a click link; null for the open pixel.
    public string? Url { get; set; }
    public long OutboxMessageId { get; set; }
    public long? OrderId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FirstHitAt { get; set; }
    public DateTimeOffset? LastHitAt { get; set; }
    public int Hits { get; set; }
}

public static class TrackingKinds
{
    public const string Click = "click";
    public const string Open = "open";
}
