using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.MailListener;

/// The mail listener: an SMTP receiver on a TCP port that hands each accepted message to an <see cref="IInboundMailSink"/>.
/// Runs as a hosted service in the host, or by StartAsync/StopAsync in tests (port 0 = a free port, see <see cref="Port"/>).
public sealed class SmtpListener : IHostedService, IAsyncDisposable
{
    private readonly SmtpListenerOptions _options;
    private readonly IInboundMailSink _sink;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<int, Task> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task? _accepting;
    private int _nextSession;

    public SmtpListener(SmtpListenerOptions options, IInboundMailSink sink, TimeProvider clock, ILogger<SmtpListener> logger)
    {
        options.Validate();
        _options = options;
        _sink = sink;
        _clock = clock;
        _logger = logger;
    }

    /// The port it listens on (the real one when configured with 0); 0 before start.
    public int Port => _listener?.LocalEndpoint is IPEndPoint endpoint ? endpoint.Port : 0;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null) throw new InvalidOperationException("The mail listener is already started.");
        _listener = new TcpListener(IPAddress.Parse(_options.Host), _options.Port);
        _listener.Start();
        _logger.LogInformation("Mail listener on {Host}:{Port}", _options.Host, Port);
        _accepting = AcceptAsync(_listener, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null || _stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll(_sessions.Values.Append(_accepting ?? Task.CompletedTask)).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Mail listener stopped with sessions still closing");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException && stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException error)
            {
                _logger.LogWarning(error, "Mail listener could not accept a connection");
                continue;
            }
            var id = Interlocked.Increment(ref _nextSession);
            var full = _sessions.Count >= _options.MaxConnections;
            // Registered before it runs, so a session that ends at once cannot be removed before it was added.
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _sessions[id] = Task.Run(async () =>
            {
                await registered.Task;
                try
                {
                    await ServeAsync(client, full, stopping);
                }
                finally
                {
                    _sessions.TryRemove(id, out Task? _);
                }
            }, CancellationToken.None);
            registered.SetResult();
        }
    }

    private async Task ServeAsync(TcpClient client, bool full, CancellationToken stopping)
    {
        using var _ = client;
        try
        {
            client.NoDelay = true;
            await using var stream = client.GetStream();
            if (full)
            {
                await stream.WriteAsync("421 4.3.2 Too many connections, try again later\r\n"u8.ToArray(), stopping);
                return;
            }
            var remote = (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString();
            await new SmtpSession(stream, remote, _options, _sink, _clock, _logger).RunAsync(stopping);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug(error, "Mail listener connection ended abruptly");
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Mail listener session failed");
        }
    }
}
