namespace Automation.Orders.Feed;

/// A post in the company feed: who wrote it, who it is for (nobody named: everyone), its title and text.
public sealed class FeedPost
{
    public long Id { get; set; }
    /// The employee the post is from; null when the system posted it.
    public long? AuthorId { get; set; }
    public required string Title { get; set; }
    public required string Text { get; set; }
    /// The order the post is about, if any.
    public long? OrderId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<FeedRecipient> Recipients { get; set; } = [];
}

/// One employee a feed post is addressed to.
public sealed class FeedRecipient
{
    public long PostId { get; set; }
    public long EmployeeId { get; set; }
}

/// A post to publish; no recipients means the whole company.
public sealed record NewFeedPost(string Title, string Text, long? AuthorId = null, IReadOnlyList<long>? RecipientIds = null, long? OrderId = null);
