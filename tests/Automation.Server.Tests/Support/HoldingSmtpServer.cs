using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Automation.Server.Tests.Support;

/// Where a <see cref="HoldingSmtpServer"/> stops answering in its first transaction.
public enum SmtpHold
{
    /// After the client's DATA command: the message has not been transferred yet.
    AtDataCommand,
    /// After the message's final dot, before the 250 reply: the server has the message, the client does not know.
    AfterMessage,
}

/// A small SMTP server on 127.0.0.1 (RFC 5321 commands a sender uses) whose first transaction stops answering at a
/// chosen point, as a provider that stalls at the worst moment; later transactions complete normally. It records every
/// message it received in full, acknowledged or not.
public sealed class HoldingSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpHold _hold;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holdTaken;
    private Task _accepting = Task.CompletedTask;

    private HoldingSmtpServer(SmtpHold hold) => _hold = hold;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    /// Every message whose final dot arrived, in order.
    public ConcurrentQueue<string> Received { get; } = new();
    /// The messages answered with 250.
    public ConcurrentQueue<string> Acknowledged { get; } = new();
    /// Completes when the first transaction reached the hold point.
    public Task Held => _held.Task;

    public static HoldingSmtpServer Start(SmtpHold hold)
    {
        var server = new HoldingSmtpServer(hold);
        server._listener.Start();
        server._accepting = server.AcceptAsync();
        return server;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            async Task ReplyAsync(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), _stop.Token);
            await ReplyAsync("220 holding-sink ESMTP");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await ReplyAsync("250 holding-sink");
                        break;
                    case "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await ReplyAsync("250 OK");
                        break;
                    case "DATA":
                        if (HoldsAt(SmtpHold.AtDataCommand))
                        {
                            await WaitForCloseAsync(reader);
                            return;
                        }
                        await ReplyAsync("354 end with <CRLF>.<CRLF>");
                        var message = await ReadMessageAsync(reader);
                        Received.Enqueue(message);
                        if (HoldsAt(SmtpHold.AfterMessage))
                        {
                            await WaitForCloseAsync(reader);
                            return;
                        }
                        Acknowledged.Enqueue(message);
                        await ReplyAsync($"250 2.0.0 queued as {Acknowledged.Count}");
                        break;
                    case "QUIT":
                        await ReplyAsync("221 bye");
                        return;
                    default:
                        await ReplyAsync("502 5.5.1 command not implemented");
                        break;
                }
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or SocketException)
        {
            // The sender went away (it was killed) or the server stops.
        }
    }

    private bool HoldsAt(SmtpHold point)
    {
        if (point != _hold || Interlocked.Exchange(ref _holdTaken, 1) == 1) return false;
        _held.TrySetResult();
        return true;
    }

    /// Says nothing more; returns when the peer's side of the connection is gone.
    private async Task WaitForCloseAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync(_stop.Token) is not null) { }
    }

    private async Task<string> ReadMessageAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync(_stop.Token) is { } line && line != ".")
            text.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
