namespace Automation.Orders.Clients;

/// A buyer: a contact (person) or a company, with its emails and phones.
public sealed class Client
{
    public long Id { get; set; }
    public ClientKind Kind { get; set; }
    public required string Name { get; set; }
    public List<ClientEmail> Emails { get; set; } = [];
    public List<ClientPhone> Phones { get; set; } = [];
    /// The web visitor id the store's site gave this client, if known.
    public string? VisitorId { get; set; }
    /// The client's details (requisites): legal name, tax id, address, bank account, … by key; a multi-value detail
    /// holds a JSON array.
    public Dictionary<string, string?> Details { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

public enum ClientKind { Contact, Company }

public enum EmailType { Work, Home, Mailing, Other }

public enum PhoneType { Work, Mobile, Home, Other }

/// An email address of a client; Normalized (trimmed, lower case) is what lookups compare.
public sealed class ClientEmail
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    public required string Value { get; set; }
    public EmailType Type { get; set; }
    public string Normalized { get; set; } = "";
}

/// A phone number of a client; Digits (the number without punctuation) is what lookups compare.
public sealed class ClientPhone
{
    public long Id { get; set; }
    public long ClientId { get; set; }
    public required string Value { get; set; }
    public PhoneType Type { get; set; }
    public string Digits { get; set; } = "";
}
