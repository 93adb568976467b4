namespace Automation.Channels.Mail;

/// One email accepted by the mail listener (or an inbound-mail webhook): the raw message as received, always kept,
/// and what the MIME reader made of it.
public sealed class InboundMail
{
    public long Id { get; set; }
    /// Message-ID when the message has one, otherwise a hash of the raw bytes: a message delivered twice is stored once.
    public required string DedupKey { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// The SMTP envelope: MAIL FROM (empty for bounces) and RCPT TO as a JSON array.
    public string EnvelopeFrom { get; set; } = "";
    public string EnvelopeTo { get; set; } = "[]";
    public string? RemoteAddress { get; set; }
    public string? Helo { get; set; }
    public required byte[] Raw { get; set; }
    public string? MessageId { get; set; }
    public string? InReplyTo { get; set; }
    public string? FromAddress { get; set; }
    public string? FromName { get; set; }
    public string? Subject { get; set; }
    public string? TextBody { get; set; }
    public string? HtmlBody { get; set; }
    /// JSON array of {fileName, contentType, size}; the content stays in Raw.
    public string Attachments { get; set; } = "[]";
    /// What the MIME reader could not read cleanly (one line each); null when nothing.
    public string? Problems { get; set; }
    /// The order the reply address token or In-Reply-To points to; null when the host has to match by sender.
    public long? OrderId { get; set; }
    /// When the observer was told about it; null while that is still owed.
    public DateTimeOffset? NotifiedAt { get; set; }
}
