using System.Globalization;
using System.Net;
using System.Text.Json;
using Automation.Channels.Outbox;

namespace Automation.Channels.Providers;

/// How an HTTP provider's answer maps to an outbox outcome: 2xx sent; 408, 429 and 5xx worth a retry; any other
/// 4xx a rejection retrying will not change. The provider's own error text goes into the reason.
internal static class ProviderReplies
{
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    public static DeliveryResult Failure(string provider, HttpStatusCode status, string reason)
    {
        var text = $"{provider} answered {(int)status} {status}: {reason}";
        return IsRetryable(status) ? DeliveryResult.Retry(text) : DeliveryResult.Reject(text);
    }

    /// Posts and classifies transport failures: no answer in time or a refused connection are worth a retry.
    public static async Task<(HttpResponseMessage? Response, DeliveryResult? Failure)> SendAsync(
        HttpClient http, HttpRequestMessage request, TimeSpan timeout, string provider, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return (await http.SendAsync(request, limit.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, DeliveryResult.Retry(string.Create(CultureInfo.InvariantCulture, $"{provider} did not answer within {timeout.TotalSeconds:0.#} s")));
        }
        catch (HttpRequestException error)
        {
            return (null, DeliveryResult.Retry($"{provider} could not be reached: {error.Message}"));
        }
    }

    /// A string property of a JSON body, or null (also when the body is not JSON).
    public static string? JsonString(string body, params string[] names)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in names)
            {
                if (!document.RootElement.TryGetProperty(name, out var value)) continue;
                if (value.ValueKind == JsonValueKind.String) return value.GetString();
                if (value.ValueKind == JsonValueKind.Number) return value.GetRawText();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// At most the first 300 characters of a reply body, for an error message.
    public static string Excerpt(string body) => body.Length <= 300 ? body : body[..300] + "…";
}
