namespace Automation.Channels.Mime;

/// What the MIME reader made of a message: the headers as received (unfolded, not decoded), the fields people care
/// about decoded, the first plain-text and HTML bodies, the attachments, and whatever it could not read cleanly.
public sealed record MimeMessage
{
    public IReadOnlyList<MimeHeader> Headers { get; init; } = [];
    public string? Subject { get; init; }
    public IReadOnlyList<MailboxAddress> From { get; init; } = [];
    public IReadOnlyList<MailboxAddress> To { get; init; } = [];
    public IReadOnlyList<MailboxAddress> Cc { get; init; } = [];
    public IReadOnlyList<MailboxAddress> ReplyTo { get; init; } = [];
    /// Without the angle brackets.
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public DateTimeOffset? Date { get; init; }
    public string? TextBody { get; init; }
    public string? HtmlBody { get; init; }
    public IReadOnlyList<MimeAttachment> Attachments { get; init; } = [];
    /// One line per thing that was broken or guessed (unknown charset, unclosed multipart, bad base64...).
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// The first header of that name (case-insensitive), unfolded; null when absent.
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;
}

public sealed record MimeHeader(string Name, string Value);

/// A mailbox from an address header: the display name decoded, the address as written.
public sealed record MailboxAddress(string? Name, string Address)
{
    public override string ToString() => Name is null ? Address : $"{Name} <{Address}>";
}

/// A part that is not one of the message's bodies: an attachment, an inline image, a forwarded message.
public sealed record MimeAttachment(string FileName, string ContentType, byte[] Content, string? ContentId = null, bool Inline = false);
