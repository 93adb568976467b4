using System.Text;

namespace Automation.Channels.Mime;

/// Reads address headers (From, To, Cc, Reply-To) as they appear in real mail: display names quoted or not,
/// encoded words, comments, groups; an entry that is not an address is skipped, never fatal.
internal static class AddressList
{
    public static IReadOnlyList<MailboxAddress> Parse(string? header, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        var result = new List<MailboxAddress>();
        foreach (var entry in SplitEntries(header))
        {
            var text = entry.Trim();
            // "Group name: a@b, c@d;" — drop the group label and the closing semicolon.
            var colon = IndexOutsideQuotes(text, ':');
            if (colon >= 0 && colon < (text.IndexOf('@') is var at && at < 0 ? int.MaxValue : at)) text = text[(colon + 1)..].Trim();
            text = text.TrimEnd(';').Trim();
            if (text.Length == 0) continue;
            if (Read(text, problems) is { } address) result.Add(address);
            else problems.Add($"unreadable address '{text}'");
        }
        return result;
    }

    private static MailboxAddress? Read(string text, List<string> problems)
    {
        var open = text.LastIndexOf('<');
        var close = text.LastIndexOf('>');
        string address;
        string? name;
        if (open >= 0 && close > open)
        {
            address = text[(open + 1)..close].Trim();
            name = HeaderValue.Unquote(text[..open].Trim());
        }
        else
        {
            var (withoutComments, comment) = StripComments(text);
            address = withoutComments.Trim();
            name = comment;
        }
        if (!address.Contains('@')) return null;
        name = string.IsNullOrWhiteSpace(name) ? null : EncodedWords.Decode(name, problems).Trim();
        return new MailboxAddress(name, address);
    }

    private static (string Text, string? Comment) StripComments(string text)
    {
        var kept = new StringBuilder();
        var comment = new StringBuilder();
        var depth = 0;
        foreach (var c in text)
        {
            if (c == '(')
            {
                depth++;
                continue;
            }
            if (c == ')' && depth > 0)
            {
                depth--;
                continue;
            }
            (depth > 0 ? comment : kept).Append(c);
        }
        return (kept.ToString(), comment.Length > 0 ? comment.ToString() : null);
    }

    private static IEnumerable<string> SplitEntries(string header)
    {
        var current = new StringBuilder();
        bool quoted = false, escaped = false;
        int angle = 0, paren = 0;
        foreach (var c in header)
        {
            if (escaped) escaped = false;
            else if (c == '\\' && quoted) escaped = true;
            else if (c == '"') quoted = !quoted;
            else if (!quoted && c == '<') angle++;
            else if (!quoted && c == '>' && angle > 0) angle--;
            else if (!quoted && c == '(') paren++;
            else if (!quoted && c == ')' && paren > 0) paren--;
            else if (!quoted && angle == 0 && paren == 0 && (c == ',' || c == ';'))
            {
                yield return current.ToString();
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        yield return current.ToString();
    }

    private static int IndexOutsideQuotes(string text, char wanted)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (text[i] == wanted && !quoted) return i;
            else if (text[i] == '<') return -1;
        }
        return -1;
    }
}
