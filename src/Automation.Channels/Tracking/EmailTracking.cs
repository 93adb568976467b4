using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Automation.Channels.Tracking;

/// An email's HTML with its links pointing at the click redirect and an open pixel added, and the links to store.
public sealed record TrackedHtml(string Html, IReadOnlyList<TrackingLink> Links);

/// Rewrites the links of an email's HTML to "{baseUrl}/t/c/{token}" and adds a "{baseUrl}/t/o/{token}.gif" pixel, so the
/// host can fire "Email link clicked" (with the original URL) and "Email viewed". Only http(s) links are tracked; a
/// link marked data-notrack (e.g. unsubscribe) is left alone.
public static partial class EmailTracking
{
    public const string ClickPath = "/t/c/";
    public const string OpenPath = "/t/o/";

    /// A 1x1 transparent GIF for the open pixel.
    public static ReadOnlyMemory<byte> PixelGif { get; } = new byte[]
    {
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21,
        0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
        0x01, 0x00, 0x3B,
    };

    [GeneratedRegex(@"<a\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex AnchorTag();

    [GeneratedRegex(@"(\bhref\s*=\s*)(""([^""]*)""|'([^']*)'|([^\s>""']+))", RegexOptions.IgnoreCase)]
    private static partial Regex Href();

    [GeneratedRegex(@"</body\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex BodyEnd();

    public static TrackedHtml Rewrite(string html, long outboxMessageId, long? orderId, string baseUrl, bool trackClicks, bool trackOpens,
        DateTimeOffset now)
    {
        var root = baseUrl.TrimEnd('/');
        var links = new List<TrackingLink>();
        var rewritten = !trackClicks ? html : AnchorTag().Replace(html, anchor =>
        {
            if (anchor.Value.Contains("data-notrack", StringComparison.OrdinalIgnoreCase)) return anchor.Value;
            return Href().Replace(anchor.Value, href =>
            {
                var raw = href.Groups[3].Success ? href.Groups[3].Value : href.Groups[4].Success ? href.Groups[4].Value : href.Groups[5].Value;
                var url = WebUtility.HtmlDecode(raw).Trim();
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    return href.Value;
                var link = NewLink(TrackingKinds.Click, url, outboxMessageId, orderId, now);
                links.Add(link);
                return $"{href.Groups[1].Value}\"{root}{ClickPath}{link.Token}\"";
            }, 1);
        });
        if (trackOpens)
        {
            var pixel = NewLink(TrackingKinds.Open, null, outboxMessageId, orderId, now);
            links.Add(pixel);
            var image = $"<img src=\"{root}{OpenPath}{pixel.Token}.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">";
            var end = BodyEnd().Match(rewritten);
            rewritten = end.Success ? rewritten.Insert(end.Index, image) : rewritten + image;
        }
        return new TrackedHtml(rewritten, links);
    }

    /// The token of a tracking URL path ("/t/c/{token}" or "/t/o/{token}.gif"), or null when it is not one.
    public static string? TokenOf(string path)
    {
        foreach (var prefix in new[] { ClickPath, OpenPath })
        {
            var at = path.IndexOf(prefix, StringComparison.Ordinal);
            if (at < 0) continue;
            var token = path[(at + prefix.Length)..];
            if (token.EndsWith(".gif", StringComparison.OrdinalIgnoreCase)) token = token[..^4];
            return token.Length > 0 && token.All(char.IsAsciiLetterOrDigit) ? token : null;
        }
        return null;
    }

    private static TrackingLink NewLink(string kind, string? url, long outboxMessageId, long? orderId, DateTimeOffset now) => new()
    {
        // 128 random bits: a token cannot be guessed from another one.
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        Kind = kind,
        Url = url,
        OutboxMessageId = outboxMessageId,
        OrderId = orderId,
        CreatedAt = now,
    };
}
