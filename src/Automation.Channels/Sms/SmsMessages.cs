using System.Text.Json;
using Automation.Channels.Outbox;

namespace Automation.Channels.Sms;

/// Builds the outbox message for an SMS, refusing what no provider should be given.
public static class SmsMessages
{
    /// Longer texts are refused: they split into several billed parts and read badly (the product's own advice).
    public const int MaxLength = 200;

    public static OutboxMessage Create(string idempotencyKey, string to, string text, long? orderId = null, string? from = null)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ChannelValidationException("text", "must not be empty");
        if (text.Length > MaxLength)
            throw new ChannelValidationException("text", $"is {text.Length} characters long; an SMS may have at most {MaxLength}");
        return new OutboxMessage
        {
            Channel = OutboxChannels.Sms,
            Recipient = PhoneNumbers.Normalize(to, "to"),
            Sender = from,
            OrderId = orderId,
            IdempotencyKey = idempotencyKey,
            Payload = JsonSerializer.Serialize(new SmsPayload(text), PhoneNumbers.Json),
        };
    }
}

/// Phone numbers as providers want them: a leading + kept, digits only.
public static class PhoneNumbers
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Normalize(string number, string field)
    {
        var trimmed = number.Trim();
        if (trimmed.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.')) || trimmed.LastIndexOf('+') > 0)
            throw new ChannelValidationException(field, $"'{number}' is not a phone number");
        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is < 3 or > 15) throw new ChannelValidationException(field, $"'{number}' is not a phone number");
        return trimmed.StartsWith('+') ? "+" + digits : digits;
    }

    /// "+47•••••01": enough to tell numbers apart in a log, not enough to call them.
    public static string Masked(string number) => number.Length <= 4 ? "•••" : number[..3] + new string('•', number.Length - 5) + number[^2..];
}
