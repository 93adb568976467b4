namespace Automation.Channels.Mail;

/// Told about each stored incoming email; the host matches it to an order (when <see cref="IncomingEmail.OrderId"/> is
/// null, by the sender's address among clients) and raises "Incoming e-mail". At least once: use the id as the key.
public interface IInboundMailObserver
{
    Task ReceivedAsync(IncomingEmail email, CancellationToken cancellationToken);
}

/// An incoming email as the observer sees it.
public sealed record IncomingEmail(
    long Id,
    long? OrderId,
    string? FromAddress,
    string? FromName,
    IReadOnlyList<string> Recipients,
    string? Subject,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyList<string> AttachmentNames,
    string? MessageId,
    string? InReplyTo,
    DateTimeOffset ReceivedAt);
