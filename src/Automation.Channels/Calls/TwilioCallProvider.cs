using Automation.Channels.Outbox;
using Automation.Channels.Providers;

namespace Automation.Channels.Calls;

/// Places calls through Twilio Voice (or a compatible API): POST {BaseUrl}/2010-04-01/Accounts/{sid}/Calls.json with
/// To, From, the TwiML to run, and StatusCallback for the outcome (answered / busy / no answer / failed).
public sealed class TwilioCallProvider : ICallProvider
{
    private readonly HttpClient _http;
    private readonly TwilioOptions _options;

    public TwilioCallProvider(HttpClient http, TwilioOptions options)
    {
        options.Validate("Calls:Twilio");
        _http = http;
        _options = options;
    }

    public async Task<DeliveryResult> CallAsync(CallRequest call, string idempotencyKey, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", call.To), new("From", call.From ?? _options.From), new("Twiml", TwiML.For(call.Script)),
        };
        if (_options.StatusCallbackUrl is { } callback)
        {
            fields.Add(new("StatusCallback", callback));
            fields.Add(new("StatusCallbackEvent", "completed"));
        }
        using var request = TwilioReplies.Form(_options, "Calls", idempotencyKey, fields);
        var (response, failure) = await ProviderReplies.SendAsync(_http, request, _options.Timeout, "Twilio", cancellationToken);
        if (failure is not null) return failure;
        using (response) return await TwilioReplies.ReadAsync(response!, "call", cancellationToken);
    }
}
