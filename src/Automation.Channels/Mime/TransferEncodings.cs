namespace Automation.Channels.Mime;

/// Undoes a part's Content-Transfer-Encoding.
internal static class TransferEncodings
{
    public static byte[] Decode(ReadOnlySpan<byte> body, string? encoding, List<string> problems)
    {
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case null or "" or "7bit" or "8bit" or "binary":
                return body.ToArray();
            case "base64":
                var decoded = DecodeBase64(body, out var broken);
                if (broken) problems.Add("broken base64 in a part (decoded what could be read)");
                return decoded;
            case "quoted-printable":
                return QuotedPrintable.Decode(body);
            default:
                problems.Add($"unknown Content-Transfer-Encoding '{encoding}', kept as is");
                return body.ToArray();
        }
    }

    /// Base64 that skips line breaks and stray characters, and stops at the padding; broken = something was skipped or cut.
    public static byte[] DecodeBase64(ReadOnlySpan<byte> input, out bool broken)
    {
        broken = false;
        var output = new List<byte>(input.Length * 3 / 4);
        int buffer = 0, bits = 0;
        foreach (var b in input)
        {
            var value = Sextet(b);
            if (value < 0)
            {
                if (b == (byte)'=') break;
                if (b is not ((byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')) broken = true;
                continue;
            }
            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits < 8) continue;
            bits -= 8;
            output.Add((byte)(buffer >> bits));
            buffer &= (1 << bits) - 1;
        }
        if (bits >= 6) broken = true; // a lone sextet cannot make a byte
        return [.. output];
    }

    private static int Sextet(byte b) => b switch
    {
        >= (byte)'A' and <= (byte)'Z' => b - 'A',
        >= (byte)'a' and <= (byte)'z' => b - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => b - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        _ => -1,
    };
}
