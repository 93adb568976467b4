using System.Security.Cryptography;
using System.Text;

namespace Automation.Channels.Providers;

/// A Twilio status callback (the form Twilio posts to StatusCallback): which message or call, and its status.
public sealed record TwilioStatusCallback(string Sid, string Status, string? ErrorCode, string? ErrorMessage)
{
    /// Reads the posted form fields (MessageSid/MessageStatus for SMS, CallSid/CallStatus for calls); null when neither is there.
    public static TwilioStatusCallback? Parse(IReadOnlyDictionary<string, string> form)
    {
        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid") ?? form.GetValueOrDefault("CallSid");
        var status = form.GetValueOrDefault("MessageStatus") ?? form.GetValueOrDefault("SmsStatus") ?? form.GetValueOrDefault("CallStatus");
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(status)) return null;
        return new TwilioStatusCallback(sid, status, form.GetValueOrDefault("ErrorCode"), form.GetValueOrDefault("ErrorMessage"));
    }

    /// Checks X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by every
    /// posted field name and value in name order.
    public static bool IsSigned(string url, IReadOnlyDictionary<string, string> form, string signature, string authToken)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(name).Append(value);
        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
        try
        {
            return CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
