using System.Net.Http.Json;
using Automation.Channels.Outbox;
using Automation.Channels.Providers;

namespace Automation.Channels.Calls;

/// Places calls through a generic HTTP voice service: POST {"to", "from", "text", "audioUrl", "language", "voice",
/// "speed", "volumeDb", "idempotencyKey"} as JSON with the configured headers and an Idempotency-Key header.
public sealed class HttpJsonCallProvider : ICallProvider
{
    private readonly HttpClient _http;
    private readonly HttpJsonProviderOptions _options;

    public HttpJsonCallProvider(HttpClient http, HttpJsonProviderOptions options)
    {
        options.Validate("Calls:Http");
        _http = http;
        _options = options;
    }

    public async Task<DeliveryResult> CallAsync(CallRequest call, string idempotencyKey, CancellationToken cancellationToken)
    {
        var s = call.Script;
        using var request = HttpJsonRequests.Create(_options, idempotencyKey, JsonContent.Create(new
        {
            to = call.To,
            from = call.From ?? _options.From,
            text = s.Text,
            audioUrl = s.AudioUrl,
            language = s.Language,
            voice = s.Voice,
            speed = s.Speed,
            volumeDb = s.VolumeDb,
            idempotencyKey,
        }));
        var (response, failure) = await ProviderReplies.SendAsync(_http, request, _options.Timeout, "voice service", cancellationToken);
        if (failure is not null) return failure;
        using (response) return await HttpJsonRequests.ReadAsync(response!, "voice service", cancellationToken);
    }
}
