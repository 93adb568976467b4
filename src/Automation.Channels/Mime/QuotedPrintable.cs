namespace Automation.Channels.Mime;

/// Quoted-printable (RFC 2045 §6.7) and the "Q" encoding of header words (RFC 2047 §4.2).
public static class QuotedPrintable
{
    /// Decodes a body: "=XX" is a byte, "=" at the end of a line joins it to the next, anything malformed is kept as is.
    public static byte[] Decode(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b != (byte)'=')
            {
                output.Add(b);
                continue;
            }
            // Soft line break: "=" followed by optional trailing white space and a line end.
            var j = i + 1;
            while (j < input.Length && (input[j] == (byte)' ' || input[j] == (byte)'\t')) j++;
            if (j < input.Length && (input[j] == (byte)'\r' || input[j] == (byte)'\n'))
            {
                i = input[j] == (byte)'\r' && j + 1 < input.Length && input[j + 1] == (byte)'\n' ? j + 1 : j;
                continue;
            }
            if (j == input.Length)
            {
                i = j;
                continue;
            }
            if (i + 2 < input.Length && Hex(input[i + 1]) is { } high && Hex(input[i + 2]) is { } low)
            {
                output.Add((byte)(high * 16 + low));
                i += 2;
                continue;
            }
            output.Add(b);
        }
        return [.. output];
    }

    internal static byte[] DecodeHeaderQ(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++) bytes[i] = text[i] == '_' ? (byte)' ' : (byte)text[i];
        return Decode(bytes);
    }

    internal static int? Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => null,
    };
}
