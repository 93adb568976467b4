using Automation.Channels.Outbox;

namespace Automation.Channels.Providers;

/// The request and reply handling the generic HTTP/JSON providers share.
internal static class HttpJsonRequests
{
    public static HttpRequestMessage Create(HttpJsonProviderOptions options, string idempotencyKey, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = content };
        foreach (var (name, value) in options.Headers) request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static async Task<DeliveryResult> ReadAsync(HttpResponseMessage response, string provider, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var reason = ProviderReplies.JsonString(body, "error", "message", "detail", "title") ?? ProviderReplies.Excerpt(body);
            return ProviderReplies.Failure(provider, response.StatusCode, reason);
        }
        return DeliveryResult.Sent(ProviderReplies.JsonString(body, "id", "messageId", "callId", "sid"), ProviderReplies.JsonString(body, "status"));
    }
}
