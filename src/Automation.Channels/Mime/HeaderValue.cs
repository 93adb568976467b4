using System.Globalization;
using System.Text;

namespace Automation.Channels.Mime;

/// A structured header value with parameters, as in Content-Type and Content-Disposition, including RFC 2231
/// extended ("name*=utf-8''%E2%82%AC") and continued ("name*0=", "name*1=") parameters.
internal sealed record HeaderValue(string Value, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string parameter] => Parameters.GetValueOrDefault(parameter);

    public static HeaderValue Parse(string? header, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(header)) return new HeaderValue("", new Dictionary<string, string>());
        var pieces = SplitOutsideQuotes(header, ';');
        var raw = new List<(string Name, string Value)>();
        foreach (var piece in pieces.Skip(1))
        {
            var equals = piece.IndexOf('=');
            if (equals <= 0) continue;
            raw.Add((piece[..equals].Trim().ToLowerInvariant(), Unquote(piece[(equals + 1)..].Trim())));
        }
        return new HeaderValue(pieces[0].Trim().ToLowerInvariant(), Combine(raw, problems));
    }

    private static Dictionary<string, string> Combine(List<(string Name, string Value)> raw, List<string> problems)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sections = new Dictionary<string, SortedDictionary<int, (string Value, bool Encoded)>>();
        foreach (var (name, value) in raw)
        {
            var encoded = name.EndsWith('*');
            var bare = encoded ? name[..^1] : name;
            var star = bare.IndexOf('*');
            if (star > 0 && int.TryParse(bare[(star + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                var key = bare[..star];
                if (!sections.TryGetValue(key, out var parts)) sections[key] = parts = [];
                parts[index] = (value, encoded);
            }
            else if (encoded)
            {
                result[bare] = DecodeExtended(value, null, problems, out _);
            }
            else if (!result.ContainsKey(bare))
            {
                // Outlook and Gmail put RFC 2047 words into quoted parameters (filename="=?utf-8?B?...?="); read them too.
                result[bare] = EncodedWords.Decode(value, problems);
            }
        }
        foreach (var (key, parts) in sections)
        {
            string? charset = null;
            var text = new StringBuilder();
            foreach (var (_, (value, encoded)) in parts)
            {
                if (encoded)
                {
                    text.Append(DecodeExtended(value, charset, problems, out var used));
                    charset ??= used;
                }
                else
                {
                    text.Append(value);
                }
            }
            result[key] = text.ToString();
        }
        return result;
    }

    /// "charset'language'%XX..." (first section) or "%XX..." (later sections, with the first one's charset).
    private static string DecodeExtended(string value, string? knownCharset, List<string> problems, out string? charset)
    {
        charset = knownCharset;
        var text = value;
        var first = value.IndexOf('\'');
        var second = first >= 0 ? value.IndexOf('\'', first + 1) : -1;
        if (knownCharset is null && second > first)
        {
            charset = value[..first];
            text = value[(second + 1)..];
        }
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && QuotedPrintable.Hex((byte)text[i + 1]) is { } high && QuotedPrintable.Hex((byte)text[i + 2]) is { } low)
            {
                bytes.Add((byte)(high * 16 + low));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Charsets.Decode(bytes.ToArray(), string.IsNullOrEmpty(charset) ? "utf-8" : charset, problems);
    }

    internal static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var pieces = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, escaped = false;
        foreach (var c in text)
        {
            if (escaped) escaped = false;
            else if (c == '\\' && quoted) escaped = true;
            else if (c == '"') quoted = !quoted;
            else if (c == separator && !quoted)
            {
                pieces.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        pieces.Add(current.ToString());
        return pieces;
    }

    internal static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"') return value;
        var result = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1) i++;
            result.Append(value[i]);
        }
        return result.ToString();
    }
}
