using System.Text;

namespace Automation.Channels.Mime;

/// One entity (the message or a part of it): its headers, and where its body lies in the raw bytes.
internal sealed record MimeEntity(IReadOnlyList<MimeHeader> Headers, ReadOnlyMemory<byte> Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// Splits headers from body at the first empty line (CRLF or bare LF), unfolding continuation lines.
    /// Header bytes are read as UTF-8 (RFC 6532) and, if that fails, as Latin-1 so no byte is lost.
    public static MimeEntity Parse(ReadOnlyMemory<byte> raw)
    {
        var span = raw.Span;
        var headers = new List<MimeHeader>();
        var position = 0;
        string? name = null;
        var value = new StringBuilder();
        while (position < span.Length)
        {
            var line = Lines.Read(span, position, out var next);
            if (line.Length == 0)
            {
                position = next;
                break;
            }
            var text = Lines.Text(line);
            if ((text[0] == ' ' || text[0] == '\t') && name is not null)
            {
                value.Append(' ').Append(text.TrimStart());
            }
            else
            {
                Add(headers, name, value);
                var colon = text.IndexOf(':');
                if (colon <= 0 || text[..colon].Any(c => c <= ' ' || c > '~'))
                {
                    // Not a header: the headers ended without an empty line, so this is the body.
                    name = null;
                    break;
                }
                name = text[..colon];
                value.Clear().Append(text[(colon + 1)..].Trim());
            }
            position = next;
        }
        Add(headers, name, value);
        return new MimeEntity(headers, raw[Math.Min(position, raw.Length)..]);
    }

    private static void Add(List<MimeHeader> headers, string? name, StringBuilder value)
    {
        if (name is not null) headers.Add(new MimeHeader(name, value.ToString().Trim()));
    }
}

/// Line handling on raw bytes, for CRLF and bare LF alike.
internal static class Lines
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// The line starting at position (without its ending); next = where the following line starts.
    public static ReadOnlySpan<byte> Read(ReadOnlySpan<byte> span, int position, out int next)
    {
        var rest = span[position..];
        var lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
        {
            next = span.Length;
            return rest;
        }
        next = position + lf + 1;
        var line = rest[..lf];
        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    public static string Text(ReadOnlySpan<byte> line)
    {
        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(line);
        }
    }
}
