using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Channels.Mail;

/// Reply-To settings (section "Mail:ReplyTo"): replies go to "{LocalPart}+{token}@{Domain}", which the listener accepts.
public sealed record ReplyAddressOptions
{
    public required string Domain { get; init; }
    public string LocalPart { get; init; } = "reply";
    /// Signs the token, so nobody can write into another order's conversation by guessing its number.
    public required string Secret { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Domain) || Domain.Contains('@')) throw new ChannelValidationException("Mail:ReplyTo:Domain", "must be a domain name");
        if (string.IsNullOrWhiteSpace(LocalPart) || LocalPart.Contains('+') || LocalPart.Contains('@'))
            throw new ChannelValidationException("Mail:ReplyTo:LocalPart", "must be a plain local part");
        if (string.IsNullOrEmpty(Secret) || Secret.Length < 16) throw new ChannelValidationException("Mail:ReplyTo:Secret", "must be at least 16 characters");
    }
}

/// Makes the order's reply address and reads the order back from an address a reply was sent to.
public sealed partial class ReplyAddresses(ReplyAddressOptions options)
{
    private const int SignatureLength = 10;

    /// "reply+o42-k3j5h2g7d9@replies.example.com".
    public string For(long orderId) => $"{options.LocalPart}+o{orderId.ToString(CultureInfo.InvariantCulture)}-{Sign(orderId)}@{options.Domain}";

    /// The order an address stands for, if it is one of ours and its signature holds.
    public long? OrderOf(string address)
    {
        var at = address.LastIndexOf('@');
        if (at < 0 || !address[(at + 1)..].Equals(options.Domain, StringComparison.OrdinalIgnoreCase)) return null;
        var local = address[..at];
        if (!local.StartsWith(options.LocalPart + "+", StringComparison.OrdinalIgnoreCase)) return null;
        var match = Token().Match(local[(options.LocalPart.Length + 1)..]);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId)) return null;
        var expected = Encoding.ASCII.GetBytes(Sign(orderId));
        var given = Encoding.ASCII.GetBytes(match.Groups[2].Value.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? orderId : null;
    }

    /// The first order among several addresses (envelope recipients, To, Cc).
    public long? OrderOf(IEnumerable<string> addresses) => addresses.Select(OrderOf).FirstOrDefault(id => id is not null);

    [GeneratedRegex(@"^o(\d{1,19})-([a-z2-7]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Token();

    private string Sign(long orderId)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Secret), Encoding.ASCII.GetBytes("order:" + orderId.ToString(CultureInfo.InvariantCulture)));
        return Base32.Encode(mac)[..SignatureLength];
    }
}

/// Lower-case RFC 4648 base32 without padding: safe in email local parts and Message-IDs, case-insensitive.
internal static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(Alphabet[(buffer >> bits) & 31]);
            }
        }
        if (bits > 0) text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }
}
