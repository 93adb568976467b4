using System.Text;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.MailListener;

/// One SMTP conversation (RFC 5321, server side): greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY, HELP, QUIT.
/// Replies are written in the order commands arrive, so pipelined commands work without anything special.
internal sealed partial class SmtpSession(
    Stream stream, string? remoteAddress, SmtpListenerOptions options, IInboundMailSink sink, TimeProvider clock, ILogger logger)
{
    private readonly SmtpLineReader _reader = new(stream);
    private string? _helo;
    private string? _mailFrom;
    private readonly List<string> _recipients = [];
    private int _errors;

    public async Task RunAsync(CancellationToken stopping)
    {
        await ReplyAsync($"220 {options.DomainName} ESMTP Automation mail listener ready", stopping);
        while (true)
        {
            // A stop between two commands (or right after the greeting) is said, as one during a read is.
            if (stopping.IsCancellationRequested)
            {
                await ReplyAsync(ShuttingDown, CancellationToken.None);
                return;
            }
            var line = await ReadWithinIdleTimeoutAsync(options.MaxCommandLength, stopping);
            if (line is null) return;
            if (line.Value.TooLong)
            {
                if (!await ErrorAsync("500 5.5.2 Error: line too long", stopping)) return;
                continue;
            }
            var text = Encoding.Latin1.GetString(line.Value.Bytes);
            if (!await HandleAsync(text, stopping)) return;
        }
    }

    /// Handles one command line; false ends the session.
    private async Task<bool> HandleAsync(string line, CancellationToken ct)
    {
        var space = line.IndexOf(' ');
        var verb = (space < 0 ? line : line[..space]).Trim().ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "EHLO":
                return await HelloAsync(argument, extended: true, ct);
            case "HELO":
                return await HelloAsync(argument, extended: false, ct);
            case "MAIL":
                return await MailAsync(argument, ct);
            case "RCPT":
                return await RecipientAsync(argument, ct);
            case "DATA":
                return await DataAsync(argument, ct);
            case "RSET":
                ResetTransaction();
                return await ReplyAsync("250 2.0.0 Ok", ct);
            case "NOOP":
                return await ReplyAsync("250 2.0.0 Ok", ct);
            case "VRFY":
                return await ReplyAsync("252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery", ct);
            case "HELP":
                return await ReplyAsync("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT", ct);
            case "QUIT":
                await ReplyAsync("221 2.0.0 Bye", ct);
                return false;
            case "STARTTLS" or "AUTH" or "BDAT" or "EXPN" or "ETRN" or "TURN":
                return await ErrorAsync("502 5.5.1 Error: command not implemented", ct);
            default:
                return await ErrorAsync("500 5.5.2 Error: command not recognized", ct);
        }
    }

    private async Task<bool> HelloAsync(string argument, bool extended, CancellationToken ct)
    {
        if (argument.Length == 0 || argument.Contains(' ')) return await ErrorAsync($"501 5.5.4 Syntax: {(extended ? "EHLO" : "HELO")} hostname", ct);
        _helo = argument;
        ResetTransaction();
        if (!extended) return await ReplyAsync($"250 {options.DomainName}", ct);
        return await ReplyAsync(string.Join("\r\n",
            $"250-{options.DomainName} greets {argument}",
            "250-PIPELINING",
            $"250-SIZE {options.MaxMessageBytes}",
            "250-8BITMIME",
            "250-ENHANCEDSTATUSCODES",
            "250 HELP"), ct);
    }

    private async Task<bool> MailAsync(string argument, CancellationToken ct)
    {
        if (_helo is null) return await ErrorAsync("503 5.5.1 Error: send HELO/EHLO first", ct);
        if (_mailFrom is not null) return await ErrorAsync("503 5.5.1 Error: nested MAIL command", ct);
        if (SmtpPath.Parse(argument, "FROM") is not { } path) return await ErrorAsync("501 5.5.4 Syntax: MAIL FROM:<address>", ct);
        foreach (var (name, value) in path.Parameters)
        {
            switch (name)
            {
                case "SIZE" when long.TryParse(value, out var size):
                    if (size > options.MaxMessageBytes) return await ErrorAsync("552 5.3.4 Message size exceeds fixed maximum message size", ct);
                    break;
                case "BODY" when value is "7BIT" or "8BITMIME":
                    break;
                default:
                    return await ErrorAsync($"555 5.5.4 Unsupported option: {name}", ct);
            }
        }
        _mailFrom = path.Address;
        return await ReplyAsync("250 2.1.0 Ok", ct);
    }

    private async Task<bool> RecipientAsync(string argument, CancellationToken ct)
    {
        if (_mailFrom is null) return await ErrorAsync("503 5.5.1 Error: need MAIL command", ct);
        if (SmtpPath.Parse(argument, "TO") is not { Address.Length: > 0 } path || path.Parameters.Count > 0)
            return await ErrorAsync("501 5.5.4 Syntax: RCPT TO:<address>", ct);
        if (_recipients.Count >= options.MaxRecipients) return await ReplyAsync("452 4.5.3 Error: too many recipients", ct);
        if (!IsAcceptedDomain(path.Address)) return await ErrorAsync("550 5.1.1 Recipient address rejected: domain not served here", ct);
        _recipients.Add(path.Address);
        return await ReplyAsync("250 2.1.5 Ok", ct);
    }

    private bool IsAcceptedDomain(string address)
    {
        if (options.AcceptedDomains.Count == 0) return true;
        var at = address.LastIndexOf('@');
        return at >= 0 && options.AcceptedDomains.Contains(address[(at + 1)..], StringComparer.OrdinalIgnoreCase);
    }

    private async Task<bool> DataAsync(string argument, CancellationToken ct)
    {
        if (argument.Length > 0) return await ErrorAsync("501 5.5.4 Syntax: DATA", ct);
        if (_mailFrom is null) return await ErrorAsync("503 5.5.1 Error: need MAIL command", ct);
        if (_recipients.Count == 0) return await ErrorAsync("503 5.5.1 Error: need RCPT command", ct);
        await ReplyAsync("354 End data with <CR><LF>.<CR><LF>", ct);
        var (raw, oversized) = await ReadMessageAsync(ct);
        if (raw is null) return false; // the client went away mid-message
        var mail = new ReceivedMail(_helo, _mailFrom, [.. _recipients], raw, remoteAddress, clock.GetUtcNow());
        ResetTransaction();
        if (oversized) return await ReplyAsync("552 5.3.4 Message size exceeds fixed maximum message size", ct);
        try
        {
            var id = await sink.AcceptAsync(mail, ct);
            LogAccepted(logger, id, mail.MailFrom, mail.Recipients.Count, raw.Length);
            return await ReplyAsync($"250 2.0.0 Ok: queued as {id}", ct);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError(error, "Storing an incoming message failed; the client was asked to try again later");
            return await ReplyAsync("451 4.3.0 Error: could not store the message, try again later", ct);
        }
    }

    /// Reads the message up to the lone "." line, dot-unstuffing; past the size limit it keeps reading but stores
    /// nothing more. Null when the connection ends first.
    private async Task<(byte[]? Raw, bool Oversized)> ReadMessageAsync(CancellationToken ct)
    {
        var message = new MemoryStream();
        var oversized = false;
        while (true)
        {
            var budget = (int)Math.Min(int.MaxValue - 2, Math.Max(0, options.MaxMessageBytes - message.Length));
            var line = await ReadWithinIdleTimeoutAsync(Math.Max(budget, 1), ct);
            if (line is null) return (null, false);
            var bytes = line.Value.Bytes;
            if (!line.Value.TooLong && bytes is [(byte)'.']) return (oversized ? [] : message.ToArray(), oversized);
            if (line.Value.TooLong || message.Length + bytes.Length + 2 > options.MaxMessageBytes)
            {
                oversized = true;
                message.SetLength(0);
                continue;
            }
            if (oversized) continue;
            var unstuffed = bytes.Length > 1 && bytes[0] == (byte)'.' ? bytes.AsSpan(1) : bytes;
            message.Write(unstuffed);
            message.Write("\r\n"u8);
        }
    }

    private async Task<SmtpLineReader.Line?> ReadWithinIdleTimeoutAsync(int maxLength, CancellationToken stopping)
    {
        using var idle = new CancellationTokenSource(options.IdleTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, stopping);
        try
        {
            return await _reader.ReadAsync(maxLength, linked.Token);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            await ReplyAsync("421 4.4.2 Error: timeout exceeded, closing connection", stopping);
            return null;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await ReplyAsync(ShuttingDown, CancellationToken.None);
            return null;
        }
    }

    private const string ShuttingDown = "421 4.3.2 Service shutting down, closing connection";

    private void ResetTransaction()
    {
        _mailFrom = null;
        _recipients.Clear();
    }

    /// Replies with an error; after too many the session ends with 421.
    private async Task<bool> ErrorAsync(string reply, CancellationToken ct)
    {
        if (++_errors > options.MaxErrors)
        {
            await ReplyAsync("421 4.7.0 Error: too many errors, closing connection", ct);
            return false;
        }
        return await ReplyAsync(reply, ct);
    }

    private async Task<bool> ReplyAsync(string reply, CancellationToken ct)
    {
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), ct);
            await stream.FlushAsync(ct);
            return true;
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException or OperationCanceledException)
        {
            return false; // the client is gone; nothing more to say
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incoming message {Id} accepted from <{From}> for {Recipients} recipient(s), {Size} bytes")]
    private static partial void LogAccepted(ILogger logger, string id, string from, int recipients, int size);
}
