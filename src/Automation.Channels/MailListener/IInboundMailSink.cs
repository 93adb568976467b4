namespace Automation.Channels.MailListener;

/// Where the listener hands each accepted message. It must be durable when it returns: only then does the client
/// hear 250; if it throws, the client hears 451 and tries again later.
public interface IInboundMailSink
{
    /// Stores the message and returns an id the listener names in its reply ("queued as ...").
    Task<string> AcceptAsync(ReceivedMail mail, CancellationToken cancellationToken);
}

/// A message as the listener received it: the SMTP envelope and the raw bytes (dot-unstuffed, CRLF line ends).
public sealed record ReceivedMail(
    string? Helo,
    string MailFrom,
    IReadOnlyList<string> Recipients,
    byte[] Raw,
    string? RemoteAddress,
    DateTimeOffset ReceivedAt);
