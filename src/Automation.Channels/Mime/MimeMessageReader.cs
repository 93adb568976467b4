using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Channels.Mime;

/// Reads an RFC 5322 / MIME message: headers with folding and RFC 2047 words, nested multiparts, quoted-printable and
/// base64, charsets, text and HTML bodies, attachments. It never throws on bad input: what it cannot read cleanly is
/// listed in <see cref="MimeMessage.Problems"/> and the rest is kept.
public static partial class MimeMessageReader
{
    private const int MaxDepth = 16;

    public static MimeMessage Read(byte[] raw) => Read(new ReadOnlyMemory<byte>(raw));

    public static MimeMessage Read(ReadOnlyMemory<byte> raw)
    {
        var problems = new List<string>();
        var entity = MimeEntity.Parse(raw);
        var bodies = new Bodies();
        try
        {
            Walk(entity, 0, bodies, problems);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or IndexOutOfRangeException or DecoderFallbackException)
        {
            problems.Add($"the structure could not be read to the end ({error.Message})");
        }
        return new MimeMessage
        {
            Headers = entity.Headers,
            Subject = entity.Header("Subject") is { } subject ? EncodedWords.Decode(subject, problems) : null,
            From = AddressList.Parse(entity.Header("From"), problems),
            To = AddressList.Parse(entity.Header("To"), problems),
            Cc = AddressList.Parse(entity.Header("Cc"), problems),
            ReplyTo = AddressList.Parse(entity.Header("Reply-To"), problems),
            MessageId = MessageIds(entity.Header("Message-ID")).FirstOrDefault(),
            InReplyTo = MessageIds(entity.Header("In-Reply-To")).FirstOrDefault(),
            References = MessageIds(entity.Header("References")),
            Date = ReadDate(entity.Header("Date")),
            TextBody = bodies.Text,
            HtmlBody = bodies.Html,
            Attachments = bodies.Attachments,
            Problems = problems.Distinct().ToList(),
        };
    }

    private sealed class Bodies
    {
        public string? Text { get; set; }
        public string? Html { get; set; }
        public List<MimeAttachment> Attachments { get; } = [];
    }

    private static void Walk(MimeEntity entity, int depth, Bodies bodies, List<string> problems)
    {
        var type = HeaderValue.Parse(entity.Header("Content-Type"), problems);
        var mediaType = type.Value.Length == 0 ? "text/plain" : type.Value;
        if (mediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            if (depth >= MaxDepth)
            {
                problems.Add($"multipart nesting deeper than {MaxDepth}, inner parts ignored");
                return;
            }
            if (type["boundary"] is not { Length: > 0 } boundary)
            {
                problems.Add($"{mediaType} without a boundary, read as text");
                AddLeaf(entity, "text/plain", type, bodies, problems);
                return;
            }
            foreach (var part in Multipart.Split(entity.Body, boundary, problems)) Walk(MimeEntity.Parse(part), depth + 1, bodies, problems);
            return;
        }
        AddLeaf(entity, mediaType, type, bodies, problems);
    }

    private static void AddLeaf(MimeEntity entity, string mediaType, HeaderValue type, Bodies bodies, List<string> problems)
    {
        var disposition = HeaderValue.Parse(entity.Header("Content-Disposition"), problems);
        var fileName = disposition["filename"] ?? type["name"];
        var content = TransferEncodings.Decode(entity.Body.Span, entity.Header("Content-Transfer-Encoding"), problems);
        var isAttachment = disposition.Value == "attachment" || fileName is not null;
        if (!isAttachment && mediaType == "text/plain" && bodies.Text is null)
        {
            bodies.Text = Charsets.Decode(content, type["charset"], problems);
            return;
        }
        if (!isAttachment && mediaType == "text/html" && bodies.Html is null)
        {
            bodies.Html = Charsets.Decode(content, type["charset"], problems);
            return;
        }
        var name = fileName ?? $"part{bodies.Attachments.Count + 1}{Extension(mediaType)}";
        var contentId = entity.Header("Content-ID")?.Trim().Trim('<', '>');
        bodies.Attachments.Add(new MimeAttachment(name, mediaType, content, contentId, disposition.Value == "inline"));
    }

    private static string Extension(string mediaType) => mediaType switch
    {
        "message/rfc822" => ".eml",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "text/calendar" => ".ics",
        _ => ".bin",
    };

    [GeneratedRegex(@"<([^<>\s]+)>")]
    private static partial Regex AngleId();

    /// Message ids without brackets; a bare id without brackets (seen in the wild) is taken as it is.
    internal static IReadOnlyList<string> MessageIds(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        var ids = AngleId().Matches(header).Select(m => m.Groups[1].Value).ToList();
        if (ids.Count == 0 && header.Trim() is var bare && bare.Contains('@') && !bare.Contains(' ')) ids.Add(bare);
        return ids;
    }

    [GeneratedRegex(@"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})?")]
    private static partial Regex DateParts();

    /// RFC 5322 dates ("Tue, 1 Jul 2025 10:00:00 +0200 (CEST)"), including obsolete two-digit years and zone names.
    internal static DateTimeOffset? ReadDate(string? header)
    {
        if (header is null || DateParts().Match(header) is not { Success: true } m) return null;
        var month = Array.FindIndex(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames,
            n => n.Equals(m.Groups[2].Value, StringComparison.OrdinalIgnoreCase)) + 1;
        var year = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        if (year < 100) year += year < 50 ? 2000 : 1900;
        var seconds = m.Groups[6].Success ? int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            return new DateTimeOffset(year, month, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture),
                Math.Min(seconds, 59), Zone(m.Groups[7].Value));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static TimeSpan Zone(string zone)
    {
        if (zone.Length == 5 && (zone[0] == '+' || zone[0] == '-'))
        {
            var offset = new TimeSpan(int.Parse(zone[1..3], CultureInfo.InvariantCulture), int.Parse(zone[3..], CultureInfo.InvariantCulture), 0);
            return zone[0] == '-' ? -offset : offset;
        }
        return zone.ToUpperInvariant() switch
        {
            "EST" => TimeSpan.FromHours(-5),
            "EDT" => TimeSpan.FromHours(-4),
            "CST" => TimeSpan.FromHours(-6),
            "CDT" => TimeSpan.FromHours(-5),
            "MST" => TimeSpan.FromHours(-7),
            "MDT" => TimeSpan.FromHours(-6),
            "PST" => TimeSpan.FromHours(-8),
            "PDT" => TimeSpan.FromHours(-7),
            _ => TimeSpan.Zero,
        };
    }
}
