namespace Automation.Channels.Mail;

/// Sends one email through one mailbox; throws <see cref="EmailRejectedException"/> when retrying cannot help.
public interface IEmailTransport
{
    Task SendAsync(MailboxOptions mailbox, string to, EmailPayload email, CancellationToken cancellationToken);
}

/// The mail server refused the message for good (5xx: unknown recipient, message too large, relay denied...).
public sealed class EmailRejectedException(string message, Exception? inner = null) : Exception(message, inner);
