namespace Automation.Channels.MailListener;

/// The mail listener's limits (configuration section "Mail:Listener").
public sealed record SmtpListenerOptions
{
    /// The address to listen on; loopback by default, so only a local MTA (or a test) can reach it.
    public string Host { get; init; } = "127.0.0.1";
    /// The TCP port; 0 picks a free one (tests read <see cref="SmtpListener.Port"/>).
    public int Port { get; init; } = 2525;
    /// The name the listener greets with.
    public string DomainName { get; init; } = "automation.local";
    /// The largest message accepted (advertised as SIZE); larger ones get 552.
    public long MaxMessageBytes { get; init; } = 10 * 1024 * 1024;
    public int MaxRecipients { get; init; } = 100;
    /// Connections served at once; one more is told 421 and closed.
    public int MaxConnections { get; init; } = 20;
    /// A client silent for this long is told 421 and disconnected.
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// The longest command line (RFC 5321 §4.5.3.1.4: 512 octets with CRLF).
    public int MaxCommandLength { get; init; } = 512;
    /// Protocol errors tolerated in one session before the listener hangs up.
    public int MaxErrors { get; init; } = 10;
    /// Recipient domains accepted; empty = any.
    public IReadOnlyList<string> AcceptedDomains { get; init; } = [];

    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ChannelValidationException("Mail:Listener:Port", "must be between 0 and 65535");
        if (MaxMessageBytes < 1024) throw new ChannelValidationException("Mail:Listener:MaxMessageBytes", "must be at least 1024");
        if (MaxRecipients < 1) throw new ChannelValidationException("Mail:Listener:MaxRecipients", "must be at least 1");
        if (MaxConnections < 1) throw new ChannelValidationException("Mail:Listener:MaxConnections", "must be at least 1");
        if (IdleTimeout <= TimeSpan.Zero) throw new ChannelValidationException("Mail:Listener:IdleTimeout", "must be positive");
        if (MaxCommandLength < 64) throw new ChannelValidationException("Mail:Listener:MaxCommandLength", "must be at least 64");
    }
}
