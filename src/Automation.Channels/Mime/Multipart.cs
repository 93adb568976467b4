namespace Automation.Channels.Mime;

/// Splits a multipart body at its boundary lines (RFC 2046 §5.1.1). The line break before a boundary belongs to the
/// boundary; preamble and epilogue are dropped. A missing closing boundary ends the last part at the end of the body.
internal static class Multipart
{
    public static List<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> body, string boundary, List<string> problems)
    {
        var delimiter = System.Text.Encoding.ASCII.GetBytes("--" + boundary);
        var span = body.Span;
        var parts = new List<ReadOnlyMemory<byte>>();
        int? partStart = null;
        var closed = false;
        var position = 0;
        while (position < span.Length)
        {
            var lineStart = position;
            var line = Lines.Read(span, position, out var next);
            position = next;
            if (!line.StartsWith(delimiter)) continue;
            var rest = line[delimiter.Length..];
            var isClose = rest.StartsWith("--"u8);
            if (!isClose && !IsBlank(rest)) continue; // a longer boundary that merely starts the same way
            if (partStart is { } start) parts.Add(body[start..LineBreakBefore(span, lineStart, start)]);
            if (isClose)
            {
                closed = true;
                partStart = null;
                break;
            }
            partStart = next;
        }
        if (!closed)
        {
            if (partStart is { } start && start <= span.Length) parts.Add(body[start..]);
            problems.Add(parts.Count == 0 ? $"multipart boundary '{boundary}' not found" : $"multipart '{boundary}' is not closed");
        }
        return parts;
    }

    private static bool IsBlank(ReadOnlySpan<byte> rest)
    {
        foreach (var b in rest) if (b is not ((byte)' ' or (byte)'\t')) return false;
        return true;
    }

    /// Where the part ends: before the CRLF (or LF) that precedes the boundary line.
    private static int LineBreakBefore(ReadOnlySpan<byte> span, int lineStart, int partStart)
    {
        var end = lineStart;
        if (end > partStart && span[end - 1] == (byte)'\n') end--;
        if (end > partStart && span[end - 1] == (byte)'\r') end--;
        return end;
    }
}
