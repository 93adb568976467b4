using System.Text;

namespace Automation.Channels.Mime;

/// Finds the .NET encoding for a MIME charset name, including the legacy code pages (windows-1251, koi8-r,
/// iso-2022-jp...) that .NET only knows once CodePagesEncodingProvider is registered.
public static class Charsets
{
    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// The encoding, or null when the name is unknown.
    public static Encoding? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var trimmed = name.Trim().Trim('"');
        // RFC 2231 lets a charset carry a language ("utf-8*en"); mail clients also write utf8 and similar aliases.
        var star = trimmed.IndexOf('*');
        if (star > 0) trimmed = trimmed[..star];
        trimmed = trimmed.ToLowerInvariant() switch
        {
            "utf8" => "utf-8",
            "ascii" or "us_ascii" => "us-ascii",
            "latin-1" => "iso-8859-1",
            var other => other,
        };
        try
        {
            var encoding = Encoding.GetEncoding(trimmed);
            // US-ASCII turns every 8-bit byte into '?'; mail labelled ASCII often is not, and UTF-8 reads ASCII the same.
            return encoding.CodePage == 20127 ? new UTF8Encoding(false) : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// Decodes the bytes in the named charset; an unknown charset is read as UTF-8 and reported.
    internal static string Decode(ReadOnlySpan<byte> bytes, string? charset, List<string>? problems)
    {
        var encoding = Find(charset);
        if (encoding is null && !string.IsNullOrWhiteSpace(charset)) problems?.Add($"unknown charset '{charset}', read as UTF-8");
        return (encoding ?? Encoding.UTF8).GetString(bytes);
    }
}
