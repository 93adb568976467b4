using System.Net.Sockets;

namespace Automation.Channels.MailListener;

/// Reads CRLF (or bare LF) terminated lines from a socket stream with a length limit: a longer line is read to its
/// end and dropped, and reported as too long, so one bad line never costs memory or the session.
internal sealed class SmtpLineReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public readonly record struct Line(byte[] Bytes, bool TooLong);

    /// The next line without its ending, or null at end of stream. Waits at most as long as the token allows.
    public async Task<Line?> ReadAsync(int maxLength, CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        var tooLong = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await ReadSomeAsync(cancellationToken);
                if (_end == 0) return line.Length > 0 || tooLong ? new Line(line.ToArray(), tooLong) : null;
            }
            var available = _buffer.AsSpan(_start, _end - _start);
            var lf = available.IndexOf((byte)'\n');
            var chunk = lf < 0 ? available : available[..lf];
            if (!tooLong && line.Length + chunk.Length > maxLength + 1) // +1: a CR that belongs to the ending
            {
                tooLong = true;
                line.SetLength(0);
            }
            if (!tooLong) line.Write(chunk);
            _start += lf < 0 ? available.Length : lf + 1;
            if (lf < 0) continue;
            var bytes = line.ToArray();
            if (bytes.Length > 0 && bytes[^1] == (byte)'\r') bytes = bytes[..^1];
            if (bytes.Length > maxLength) tooLong = true;
            return new Line(tooLong ? [] : bytes, tooLong);
        }
    }

    /// True when the client has already sent more (pipelining) - a hint only.
    public bool HasBuffered => _start < _end;

    private async Task<int> ReadSomeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(_buffer, cancellationToken);
        }
        catch (IOException error) when (error.InnerException is SocketException)
        {
            return 0; // the client went away
        }
    }
}
