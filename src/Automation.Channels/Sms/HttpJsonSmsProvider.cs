using System.Net.Http.Json;
using Automation.Channels.Outbox;
using Automation.Channels.Providers;

namespace Automation.Channels.Sms;

/// Sends SMS to a generic HTTP gateway: POST {"to", "from", "text", "idempotencyKey"} as JSON to the configured URL
/// with the configured headers and an Idempotency-Key header; an "id" (or "messageId") in the reply is kept.
public sealed class HttpJsonSmsProvider : ISmsProvider
{
    private readonly HttpClient _http;
    private readonly HttpJsonProviderOptions _options;

    public HttpJsonSmsProvider(HttpClient http, HttpJsonProviderOptions options)
    {
        options.Validate("Sms:Http");
        _http = http;
        _options = options;
    }

    public async Task<DeliveryResult> SendAsync(SmsRequest sms, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = HttpJsonRequests.Create(_options, idempotencyKey,
            JsonContent.Create(new { to = sms.To, from = sms.From ?? _options.From, text = sms.Text, idempotencyKey }));
        var (response, failure) = await ProviderReplies.SendAsync(_http, request, _options.Timeout, "SMS gateway", cancellationToken);
        if (failure is not null) return failure;
        using (response) return await HttpJsonRequests.ReadAsync(response!, "SMS gateway", cancellationToken);
    }
}
