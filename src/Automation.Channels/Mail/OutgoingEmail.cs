namespace Automation.Channels.Mail;

/// An email to write into the outbox (what the "Email to client" rule produces after evaluating its templates).
public sealed record OutgoingEmail
{
    /// The same key is the same email (e.g. "{instance}:{activity}:email"); it also fixes the Message-ID.
    public required string IdempotencyKey { get; init; }
    public long? OrderId { get; init; }
    public required string To { get; init; }
    public string? ToName { get; init; }
    /// A mailbox name from MailOptions, "auto" (the mailbox used last) or null (the first mailbox).
    public string? Mailbox { get; init; }
    public required string Subject { get; init; }
    public string? Html { get; init; }
    /// The plain-text alternative; made from the HTML when not given.
    public string? Text { get; init; }
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
    public bool TrackClicks { get; init; } = true;
    public bool TrackOpens { get; init; } = true;
}

/// A file sent with an email (e.g. the document an earlier rule created).
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

/// What the outbox stores for an email (the recipient and mailbox are on the outbox row itself).
public sealed record EmailPayload
{
    public string? ToName { get; init; }
    public required string Subject { get; init; }
    public string? Html { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
    public string? ReplyTo { get; init; }
    public required string MessageId { get; init; }
}
