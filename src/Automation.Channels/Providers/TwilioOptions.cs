namespace Automation.Channels.Providers;

/// A Twilio (or Twilio-compatible) account (sections "Sms:Twilio" and "Calls:Twilio"). The token never appears in ToString.
public sealed class TwilioOptions
{
    public string BaseUrl { get; init; } = "https://api.twilio.com";
    public required string AccountSid { get; init; }
    public required string AuthToken { get; init; }
    /// The sending number (or messaging service / caller id) used when a message names none.
    public required string From { get; init; }
    /// Where Twilio reports delivery (SMS) or call progress; the host serves it.
    public string? StatusCallbackUrl { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public override string ToString() => $"Twilio account {AccountSid} at {BaseUrl}";

    public void Validate(string section)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _)) throw new ChannelValidationException($"{section}:BaseUrl", "must be an absolute URL");
        if (string.IsNullOrWhiteSpace(AccountSid)) throw new ChannelValidationException($"{section}:AccountSid", "must not be empty");
        if (string.IsNullOrWhiteSpace(AuthToken)) throw new ChannelValidationException($"{section}:AuthToken", "must not be empty");
        if (string.IsNullOrWhiteSpace(From)) throw new ChannelValidationException($"{section}:From", "must not be empty");
    }

    internal Uri Resource(string name) => new($"{BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(AccountSid)}/{name}.json");

    internal System.Net.Http.Headers.AuthenticationHeaderValue Authorization =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")));
}

/// A generic HTTP/JSON provider (sections "Sms:Http" and "Calls:Http"): a POST of JSON to Url with extra headers
/// (e.g. an API key). Header values never appear in ToString.
public sealed class HttpJsonProviderOptions
{
    public required string Url { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? From { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// The key the provider signs its result callbacks with (`X-Callback-Signature: sha256=<hex HMAC-SHA256 of the body>`).
    public string? CallbackSecret { get; init; }

    public override string ToString() => $"HTTP provider {Url} (headers: {string.Join(", ", Headers.Keys)})";

    public void Validate(string section)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ChannelValidationException($"{section}:Url", "must be an absolute http(s) URL");
    }
}
