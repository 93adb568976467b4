using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Automation.Channels.MailListener;
using Automation.Channels.Mime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Server.Tests.Support;

/// An SMTP server on 127.0.0.1 standing in for the shop's mail provider (the channels' own listener with a sink that
/// keeps every message): what the service sends is read back here as a mail program would see it.
public sealed class MailSink : IInboundMailSink, IAsyncDisposable
{
    private readonly SmtpListener _listener;

    private MailSink(int port) =>
        _listener = new SmtpListener(new SmtpListenerOptions { Port = port }, this, TimeProvider.System, NullLogger<SmtpListener>.Instance);

    public ConcurrentQueue<MimeMessage> Received { get; } = new();
    public int Port => _listener.Port;

    public static async Task<MailSink> StartAsync(int port = 0)
    {
        var sink = new MailSink(port);
        await sink._listener.StartAsync(CancellationToken.None);
        return sink;
    }

    public Task<string> AcceptAsync(ReceivedMail mail, CancellationToken cancellationToken)
    {
        Received.Enqueue(MimeMessageReader.Read(mail.Raw));
        return Task.FromResult(Received.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// The first message received, waiting generously for the outbox sender to deliver it.
    public async Task<MimeMessage> FirstAsync()
    {
        await Eventually.TrueAsync(() => Task.FromResult(!Received.IsEmpty), "the mail sink received no message");
        Received.TryPeek(out var first);
        return first!;
    }

    /// A loopback port nobody listens on right now.
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}

/// Waits for something the service does in the background (delivery, a notice), polling; generous, never a timing claim.
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string failure, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }
}
