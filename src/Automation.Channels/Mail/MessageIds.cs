using System.Security.Cryptography;
using System.Text;

namespace Automation.Channels.Mail;

/// Message-IDs derived from the outbox idempotency key: a message sent again after a crash carries the same id, so
/// mail clients (and our own listener) see one message, and a reply's In-Reply-To leads back to it.
public static class MessageIds
{
    /// "&lt;{26 base32 chars of SHA-256(key)}@{domain}&gt;".
    public static string ForKey(string idempotencyKey, string domain) =>
        $"<{Base32.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..26]}@{domain}>";

    /// The id without angle brackets, as the MIME reader reports ids.
    public static string Bare(string messageId) => messageId.Trim().TrimStart('<').TrimEnd('>');
}
