using Automation.Channels.MailListener;

namespace Automation.Channels.Mail;

/// Mail configuration (section "Mail"): the mailboxes email goes out from, reply matching, tracking, the listener.
public sealed record MailOptions
{
    /// The mailboxes; a message names one, or "auto" (the one used last), or none (the first).
    public IReadOnlyList<MailboxOptions> Mailboxes { get; init; } = [];
    /// Reply-To addresses that carry the order ("reply+o42-k3j5h2g7d9@replies.example.com"); null = no Reply-To.
    public ReplyAddressOptions? ReplyTo { get; init; }
    /// The domain in generated Message-IDs; default: the reply domain, else the first mailbox's domain.
    public string? MessageIdDomain { get; init; }
    /// Where tracked links and the open pixel point ({BaseUrl}/t/c/{token}, {BaseUrl}/t/o/{token}.gif); null = no tracking.
    public string? TrackingBaseUrl { get; init; }
    public SmtpListenerOptions Listener { get; init; } = new();

    public MailboxOptions? Find(string? name) =>
        name is null ? Mailboxes.FirstOrDefault() : Mailboxes.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    internal string IdDomain =>
        MessageIdDomain ?? ReplyTo?.Domain ?? Mailboxes.FirstOrDefault()?.FromAddress.Split('@').LastOrDefault() ?? "automation.local";

    public void Validate()
    {
        for (var i = 0; i < Mailboxes.Count; i++) Mailboxes[i].Validate($"Mail:Mailboxes:{i}");
        var duplicate = Mailboxes.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ChannelValidationException("Mail:Mailboxes", $"name the mailbox '{duplicate.Key}' more than once");
        ReplyTo?.Validate();
        if (TrackingBaseUrl is not null && !Uri.TryCreate(TrackingBaseUrl, UriKind.Absolute, out _))
            throw new ChannelValidationException("Mail:TrackingBaseUrl", "must be an absolute URL");
        Listener.Validate();
    }
}

/// How the SMTP connection is secured. System.Net.Mail speaks STARTTLS only, so implicit TLS (port 465) is not offered.
public enum MailTls { None, StartTls }

/// One mailbox to send from. Its password never appears in ToString (and so not in logs).
public sealed class MailboxOptions
{
    public string Name { get; init; } = "default";
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 587;
    public MailTls Tls { get; init; } = MailTls.StartTls;
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public required string FromAddress { get; init; }
    public string? FromName { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => $"{Name} ({FromAddress} via {Host}:{Port}, {Tls})";

    internal void Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ChannelValidationException($"{path}:Name", "must not be empty");
        if (string.IsNullOrWhiteSpace(Host)) throw new ChannelValidationException($"{path}:Host", "must not be empty");
        if (Port is < 1 or > 65535) throw new ChannelValidationException($"{path}:Port", "must be between 1 and 65535");
        if (!System.Net.Mail.MailAddress.TryCreate(FromAddress, out _)) throw new ChannelValidationException($"{path}:FromAddress", "is not an email address");
        if (UserName is not null && Password is null) throw new ChannelValidationException($"{path}:Password", "is required with a UserName");
        if (Timeout <= TimeSpan.Zero) throw new ChannelValidationException($"{path}:Timeout", "must be positive");
    }
}
