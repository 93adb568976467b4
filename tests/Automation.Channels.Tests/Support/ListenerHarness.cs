using System.Collections.Concurrent;
using Automation.Channels.MailListener;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Channels.Tests.Support;

/// A mail listener on a free loopback port with a sink that keeps what it was given; stops itself when disposed.
public sealed class ListenerHarness : IAsyncDisposable, IInboundMailSink
{
    private int _next;

    private ListenerHarness(SmtpListenerOptions options, IInboundMailSink? sink)
    {
        Listener = new SmtpListener(options with { Port = 0 }, sink ?? this, TimeProvider.System, NullLogger<SmtpListener>.Instance);
    }

    public SmtpListener Listener { get; }
    public ConcurrentQueue<ReceivedMail> Received { get; } = new();
    public Func<ReceivedMail, Task>? OnAccept { get; set; }
    public int Port => Listener.Port;

    public static async Task<ListenerHarness> StartAsync(SmtpListenerOptions? options = null, IInboundMailSink? sink = null)
    {
        var harness = new ListenerHarness(options ?? new SmtpListenerOptions(), sink);
        await harness.Listener.StartAsync(CancellationToken.None);
        return harness;
    }

    public async Task<string> AcceptAsync(ReceivedMail mail, CancellationToken cancellationToken)
    {
        if (OnAccept is not null) await OnAccept(mail);
        Received.Enqueue(mail);
        return $"Q{Interlocked.Increment(ref _next)}";
    }

    public Task<SmtpConversation> ConnectAsync() => SmtpConversation.OpenAsync(Port);

    public ValueTask DisposeAsync() => Listener.DisposeAsync();
}
