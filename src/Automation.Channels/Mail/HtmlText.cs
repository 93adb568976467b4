using System.Net;
using System.Text.RegularExpressions;

namespace Automation.Channels.Mail;

/// A readable plain-text version of an HTML body, for the text/plain alternative part.
public static partial class HtmlText
{
    [GeneratedRegex(@"<(script|style|head)\b.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<a\b[^>]*\bhref\s*=\s*[""']([^""']*)[""'][^>]*>(.*?)</a\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Link();

    [GeneratedRegex(@"<\s*(br|/p|/div|/h[1-6]|/li|/tr)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();

    public static string ToPlain(string html)
    {
        var text = Invisible().Replace(html, "");
        text = Link().Replace(text, m => Tag().Replace(m.Groups[2].Value, "") is var label && label.Trim() == m.Groups[1].Value.Trim()
            ? label
            : $"{label} ({m.Groups[1].Value})");
        text = LineBreak().Replace(text, "\n");
        text = WebUtility.HtmlDecode(Tag().Replace(text, ""));
        text = Spaces().Replace(text.Replace("\r", ""), " ");
        text = string.Join('\n', text.Split('\n').Select(l => l.Trim()));
        return BlankLines().Replace(text, "\n\n").Trim();
    }
}
