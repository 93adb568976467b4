using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Channels.Mime;

/// RFC 2047 encoded words in headers ("=?utf-8?B?...?=", "=?iso-8859-1?Q?...?="). Adjacent words are joined with the
/// white space between them dropped, and their bytes decoded together, so a character split across two words survives.
public static partial class EncodedWords
{
    [GeneratedRegex(@"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")]
    private static partial Regex Word();

    public static string Decode(string value, List<string>? problems = null)
    {
        if (!value.Contains("=?", StringComparison.Ordinal)) return value;
        var result = new StringBuilder();
        var pending = new List<byte>();
        string? pendingCharset = null;
        var position = 0;
        foreach (Match match in Word().Matches(value))
        {
            var between = value[position..match.Index];
            var adjacent = pendingCharset is not null && string.IsNullOrWhiteSpace(between);
            var charset = match.Groups[1].Value;
            if (!adjacent || !charset.Equals(pendingCharset, StringComparison.OrdinalIgnoreCase))
            {
                Flush(result, pending, pendingCharset, problems);
                pendingCharset = null;
                if (!adjacent) result.Append(between);
            }
            pendingCharset = charset;
            var text = match.Groups[3].Value;
            if (match.Groups[2].Value is "B" or "b") pending.AddRange(Base64(text, problems));
            else pending.AddRange(QuotedPrintable.DecodeHeaderQ(text));
            position = match.Index + match.Length;
        }
        Flush(result, pending, pendingCharset, problems);
        result.Append(value[position..]);
        return result.ToString();
    }

    private static void Flush(StringBuilder result, List<byte> pending, string? charset, List<string>? problems)
    {
        if (charset is null) return;
        result.Append(Charsets.Decode(pending.ToArray(), charset, problems));
        pending.Clear();
    }

    private static byte[] Base64(string text, List<string>? problems)
    {
        var decoded = TransferEncodings.DecodeBase64(Encoding.ASCII.GetBytes(text), out var broken);
        if (broken) problems?.Add("broken base64 in an encoded word");
        return decoded;
    }
}
