using System.Net.Sockets;
using System.Text;

namespace Automation.Channels.Tests.Support;

/// A raw SMTP client on a real socket: writes exactly what the test says and reads whole (multi-line) replies.
public sealed class SmtpConversation : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;

    private SmtpConversation(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.Latin1);
    }

    public static async Task<SmtpConversation> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(Patience);
        return new SmtpConversation(client);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// The next reply: its lines joined with '\n' ("250-a\n250 b"); null when the server closed the connection.
    public async Task<string?> ReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync().WaitAsync(Patience);
            if (line is null) return lines.Count == 0 ? null : string.Join('\n', lines);
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-') return string.Join('\n', lines);
        }
    }

    /// Sends a line and returns the reply's first three characters.
    public async Task<string?> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return (await ReplyAsync())?[..3];
    }

    /// True once the server has closed the connection (reads reach the end).
    public async Task<bool> ClosedAsync()
    {
        try
        {
            return await _reader.ReadLineAsync().WaitAsync(Patience) is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
