namespace Automation.Orders.Clients;

/// A buyer as an order or an event describes it; used to find the client or create one.
public sealed record NewClient(
    string? Name,
    string? Email = null,
    string? Phone = null,
    ClientKind Kind = ClientKind.Contact,
    string? VisitorId = null,
    EmailType EmailType = EmailType.Work,
    PhoneType PhoneType = PhoneType.Mobile);

/// How an event from outside points at a client when it does not know the order (stored as JSON on the event).
public sealed record ClientRef(string? Email = null, string? Phone = null, string? VisitorId = null);

/// The forms of emails and phone numbers that lookups compare.
public static class ContactNormalization
{
    public static string Email(string email) => email.Trim().ToLowerInvariant();

    /// Only the digits, so "+1 (555) 010-0000" and "15550100000" are the same number.
    public static string PhoneDigits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));
}
