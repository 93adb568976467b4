using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace Automation.Channels.Mail;

/// Sends email with System.Net.Mail.SmtpClient: HTML with a plain-text alternative, attachments, Reply-To, and the
/// Message-ID fixed by the outbox key. 4xx answers and connection failures are thrown as they are (worth a retry),
/// 5xx answers as <see cref="EmailRejectedException"/>.
public sealed class SmtpEmailTransport : IEmailTransport
{
    public async Task SendAsync(MailboxOptions mailbox, string to, EmailPayload email, CancellationToken cancellationToken)
    {
        using var message = Compose(mailbox, to, email);
        using var client = new SmtpClient(mailbox.Host, mailbox.Port)
        {
            EnableSsl = mailbox.Tls == MailTls.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)mailbox.Timeout.TotalMilliseconds,
            Credentials = mailbox.UserName is null ? null : new NetworkCredential(mailbox.UserName, mailbox.Password),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(mailbox.Timeout);
        try
        {
            await client.SendMailAsync(message, timeout.Token);
        }
        catch (SmtpFailedRecipientException error) when ((int)error.StatusCode >= 500)
        {
            throw new EmailRejectedException($"{(int)error.StatusCode} {error.Message}", error);
        }
        catch (SmtpException error) when ((int)error.StatusCode >= 500 && error.StatusCode != SmtpStatusCode.GeneralFailure)
        {
            throw new EmailRejectedException($"{(int)error.StatusCode} {error.Message}", error);
        }
    }

    internal static MailMessage Compose(MailboxOptions mailbox, string to, EmailPayload email)
    {
        var message = new MailMessage
        {
            From = new MailAddress(mailbox.FromAddress, mailbox.FromName, Encoding.UTF8),
            Subject = email.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        message.To.Add(new MailAddress(to, email.ToName, Encoding.UTF8));
        if (email.ReplyTo is not null) message.ReplyToList.Add(new MailAddress(email.ReplyTo));
        message.Headers["Message-ID"] = email.MessageId;
        if (email.Html is null)
        {
            message.Body = email.Text ?? "";
        }
        else
        {
            // Plain text first: clients show the last alternative they understand (RFC 2046 §5.1.4).
            if (email.Text is not null)
                message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(email.Text, Encoding.UTF8, MediaTypeNames.Text.Plain));
            message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(email.Html, Encoding.UTF8, MediaTypeNames.Text.Html));
        }
        foreach (var file in email.Attachments)
        {
            var attachment = new Attachment(new MemoryStream(file.Content), file.FileName, file.ContentType);
            attachment.NameEncoding = Encoding.UTF8;
            attachment.ContentDisposition!.FileName = file.FileName;
            message.Attachments.Add(attachment);
        }
        return message;
    }
}
