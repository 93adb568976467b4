using Automation.Channels.Outbox;
using Automation.Channels.Providers;

namespace Automation.Channels.Sms;

/// Sends SMS through Twilio's REST API (or a compatible one): POST {BaseUrl}/2010-04-01/Accounts/{sid}/Messages.json
/// with basic auth, form fields To, From, Body and StatusCallback; the reply's "sid" becomes the provider message id.
public sealed class TwilioSmsProvider : ISmsProvider
{
    private readonly HttpClient _http;
    private readonly TwilioOptions _options;

    public TwilioSmsProvider(HttpClient http, TwilioOptions options)
    {
        options.Validate("Sms:Twilio");
        _http = http;
        _options = options;
    }

    public async Task<DeliveryResult> SendAsync(SmsRequest sms, string idempotencyKey, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>> { new("To", sms.To), new("From", sms.From ?? _options.From), new("Body", sms.Text) };
        if (_options.StatusCallbackUrl is { } callback) fields.Add(new("StatusCallback", callback));
        using var request = TwilioReplies.Form(_options, "Messages", idempotencyKey, fields);
        var (response, failure) = await ProviderReplies.SendAsync(_http, request, _options.Timeout, "Twilio", cancellationToken);
        if (failure is not null) return failure;
        using (response) return await TwilioReplies.ReadAsync(response!, "SMS", cancellationToken);
    }
}
