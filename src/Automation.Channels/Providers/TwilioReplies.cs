using Automation.Channels.Outbox;

namespace Automation.Channels.Providers;

/// Reads Twilio's answer to a create request: 201 with the resource's "sid" and "status", or an error body
/// {"code", "message", "status"}.
internal static class TwilioReplies
{
    public static async Task<DeliveryResult> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var sid = ProviderReplies.JsonString(body, "sid");
            var status = ProviderReplies.JsonString(body, "status");
            if (ProviderReplies.JsonString(body, "error_code") is { } code)
                return DeliveryResult.Reject($"Twilio {what} failed: {code} {ProviderReplies.JsonString(body, "error_message")}".TrimEnd());
            return sid is null ? DeliveryResult.Retry($"Twilio accepted the {what} without a sid: {ProviderReplies.Excerpt(body)}") : DeliveryResult.Sent(sid, status);
        }
        var reason = ProviderReplies.JsonString(body, "code") is { } errorCode
            ? $"{errorCode} {ProviderReplies.JsonString(body, "message")}"
            : ProviderReplies.Excerpt(body);
        return ProviderReplies.Failure("Twilio", response.StatusCode, reason);
    }

    public static HttpRequestMessage Form(TwilioOptions options, string resource, string idempotencyKey, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, options.Resource(resource)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = options.Authorization;
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        // Twilio's own name for the same idea, so a Twilio-compatible API that knows either can drop a repeat.
        request.Headers.Add("I-Twilio-Idempotency-Token", idempotencyKey);
        return request;
    }
}
