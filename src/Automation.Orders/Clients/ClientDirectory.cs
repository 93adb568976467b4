using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Clients;

/// Finds buyers by email, phone or web visitor id, creates them, and picks the email or phone a message goes to.
public sealed class ClientDirectory(StoreDb db, TimeProvider clock)
{
    /// The "type" that means: the first email or phone the client has, whatever its type.
    public const string AnyType = "auto";

    public async Task<Client> GetAsync(long clientId, CancellationToken cancellationToken) =>
        await WithContacts().FirstOrDefaultAsync(c => c.Id == clientId, cancellationToken)
        ?? throw DomainException.ClientNotFound(clientId);

    /// Case-insensitive; the oldest client wins when several share the address.
    public async Task<Client?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = ContactNormalization.Email(email);
        if (normalized.Length == 0) return null;
        return await ByEmail(normalized).FirstOrDefaultAsync(cancellationToken);
    }

    /// Compares digits only; the oldest client wins when several share the number.
    public async Task<Client?> FindByPhoneAsync(string phone, CancellationToken cancellationToken)
    {
        var digits = ContactNormalization.PhoneDigits(phone);
        if (digits.Length == 0) return null;
        return await ByPhone(digits).FirstOrDefaultAsync(cancellationToken);
    }

    // "Id IN (the ids of the clients with this address)" lets the database look the address up in its index; "any of
    // the client's emails" made SQLite scan every client, so creating an order slowed down with every client stored
    // (1.5 ms at 10,000 clients).
    internal IQueryable<Client> ByEmail(string normalized)
    {
        var owners = db.ClientEmails.Where(e => e.Normalized == normalized).Select(e => e.ClientId);
        return WithContacts().Where(c => owners.Contains(c.Id)).OrderBy(c => c.Id);
    }

    internal IQueryable<Client> ByPhone(string digits)
    {
        var owners = db.ClientPhones.Where(p => p.Digits == digits).Select(p => p.ClientId);
        return WithContacts().Where(c => owners.Contains(c.Id)).OrderBy(c => c.Id);
    }

    public async Task<Client?> FindByVisitorIdAsync(string visitorId, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(visitorId)
            ? null
            : await WithContacts().Where(c => c.VisitorId == visitorId).OrderBy(c => c.Id).FirstOrDefaultAsync(cancellationToken);

    /// By email, then phone, then visitor id.
    public async Task<Client?> FindAsync(ClientRef reference, CancellationToken cancellationToken) =>
        (reference.Email is { } email ? await FindByEmailAsync(email, cancellationToken) : null)
        ?? (reference.Phone is { } phone ? await FindByPhoneAsync(phone, cancellationToken) : null)
        ?? (reference.VisitorId is { } visitor ? await FindByVisitorIdAsync(visitor, cancellationToken) : null);

    public async Task<Client> CreateAsync(NewClient details, CancellationToken cancellationToken)
    {
        var client = New(details);
        db.Clients.Add(client);
        await db.SaveChangesAsync(cancellationToken);
        return client;
    }

    /// The client with this email or phone, given the other detail too if it lacked it; or a new client.
    public async Task<Client> FindOrCreateAsync(NewClient details, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(new ClientRef(details.Email, details.Phone, details.VisitorId), cancellationToken);
        if (existing is null) return await CreateAsync(details, cancellationToken);
        AddMissingContacts(existing, details);
        await db.SaveChangesAsync(cancellationToken);
        return existing;
    }

    /// Writes the client's details: Overwrite replaces each value (null clears it), Append adds to a multi-value detail.
    public async Task<Client> UpdateDetailsAsync(long clientId, IReadOnlyDictionary<string, string?> values, FieldWriteMode mode, CancellationToken cancellationToken)
    {
        var client = await GetAsync(clientId, cancellationToken);
        foreach (var (key, value) in values)
        {
            if (string.IsNullOrWhiteSpace(key)) throw DomainException.Invalid("details", "contains a detail without a name");
            var name = key.Trim();
            if (string.Equals(name, "name", StringComparison.OrdinalIgnoreCase))
            {
                client.Name = string.IsNullOrWhiteSpace(value) ? throw DomainException.Invalid("name", "must not be empty") : value.Trim();
                continue;
            }
            client.Details[name] = mode == FieldWriteMode.Append ? MultiValueField.Append(client.Details.GetValueOrDefault(name), value) : value;
        }
        await db.SaveChangesAsync(cancellationToken);
        return client;
    }

    /// The client's first email of the given type ("auto": of any type), or null if it has none.
    public static string? EmailOf(Client client, string? type = AnyType)
    {
        var emails = client.Emails.OrderBy(e => e.Id);
        if (IsAny(type)) return emails.FirstOrDefault()?.Value;
        var wanted = ParseType<EmailType>(type!, "emailType");
        return emails.FirstOrDefault(e => e.Type == wanted)?.Value;
    }

    /// The client's first phone of the given type ("auto": of any type), or null if it has none.
    public static string? PhoneOf(Client client, string? type = AnyType)
    {
        var phones = client.Phones.OrderBy(p => p.Id);
        if (IsAny(type)) return phones.FirstOrDefault()?.Value;
        var wanted = ParseType<PhoneType>(type!, "phoneType");
        return phones.FirstOrDefault(p => p.Type == wanted)?.Value;
    }

    private IQueryable<Client> WithContacts() => db.Clients.Include(c => c.Emails).Include(c => c.Phones).AsSplitQuery();

    private Client New(NewClient details)
    {
        var name = FirstNonBlank(details.Name, details.Email, details.Phone)
            ?? throw DomainException.Invalid("client", "needs a name, an email or a phone");
        var client = new Client { Kind = details.Kind, Name = name.Trim(), VisitorId = Blank(details.VisitorId), CreatedAt = clock.GetUtcNow() };
        AddMissingContacts(client, details);
        return client;
    }

    private static void AddMissingContacts(Client client, NewClient details)
    {
        if (Blank(details.Email) is { } email && client.Emails.All(e => e.Normalized != ContactNormalization.Email(email)))
        {
            if (!email.Contains('@', StringComparison.Ordinal)) throw DomainException.Invalid("email", $"'{email}' is not an email address");
            client.Emails.Add(new ClientEmail { Value = email.Trim(), Type = details.EmailType, Normalized = ContactNormalization.Email(email) });
        }
        if (Blank(details.Phone) is { } phone && client.Phones.All(p => p.Digits != ContactNormalization.PhoneDigits(phone)))
        {
            var digits = ContactNormalization.PhoneDigits(phone);
            if (digits.Length == 0) throw DomainException.Invalid("phone", $"'{phone}' has no digits");
            client.Phones.Add(new ClientPhone { Value = phone.Trim(), Type = details.PhoneType, Digits = digits });
        }
        client.VisitorId ??= Blank(details.VisitorId);
    }

    private static bool IsAny(string? type) => type is null || string.Equals(type, AnyType, StringComparison.OrdinalIgnoreCase);

    private static T ParseType<T>(string type, string field) where T : struct, Enum =>
        Enum.TryParse<T>(type, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw DomainException.Invalid(field, $"'{type}' is not one of: {AnyType}, {string.Join(", ", Enum.GetNames<T>()).ToLowerInvariant()}");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
