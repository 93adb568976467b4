using System.Net.Http.Headers;
using System.Text;
using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Sends an HTTP request and continues through the port of the status code it got back.
[Activity("Elsa", "SendHttpRequest", Category = "HTTP", DisplayName = "HTTP Request",
    Description = "Sends an HTTP request; continues through the matching status code, 'Unmatched status code', 'Failed to connect' or 'Timeout', and 'Done'.")]
[FlowNode("Done", UnmatchedStatusCode, FailedToConnect, TimedOut)]
public sealed class SendHttpRequest : Activity
{
    public const string UnmatchedStatusCode = "Unmatched status code";
    public const string FailedToConnect = "Failed to connect";
    public const string TimedOut = "Timeout";

    private static readonly HttpClient SharedClient = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    [Input(Description = "The URL to send the request to.", Required = true)]
    public Input<string> Url { get; init; } = new("");

    [Input(Description = "The HTTP method.", Options = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], DefaultValue = "GET")]
    public Input<string> Method { get; init; } = new("GET");

    [Input(Description = "The body to send.", UIHint = UIHints.MultiLine)]
    public Input<string?> Content { get; init; } = new(null);

    [Input(Description = "The content type of the body.", DefaultValue = "application/json")]
    public Input<string> ContentType { get; init; } = new("application/json");

    [Input(Description = "Request headers.", UIHint = UIHints.JsonEditor)]
    public Input<Dictionary<string, string>?> RequestHeaders { get; init; } = new(null);

    [Input(Description = "Status codes that get a port of their own, e.g. [200, 404].", UIHint = UIHints.MultiText)]
    public Input<List<int>?> ExpectedStatusCodes { get; init; } = new(null);

    [Input(Description = "How long to wait for an answer.", DefaultValue = "00:00:30")]
    public Input<TimeSpan> Timeout { get; init; } = new(TimeSpan.FromSeconds(30));

    [Output(Description = "The status code of the response.")]
    public Output<int> StatusCode { get; init; } = new();

    [Output(Description = "The body of the response, as text.")]
    public Output<string?> ResponseContent { get; init; } = new();

    [Output(Description = "The response headers.")]
    public Output<Dictionary<string, string>> ResponseHeaders { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        using var request = BuildRequest(context);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(context.Get(Timeout));
        try
        {
            using var response = await SharedClient.SendAsync(request, timeout.Token);
            var code = (int)response.StatusCode;
            context.Set(StatusCode, code);
            context.Set(ResponseContent, await response.Content.ReadAsStringAsync(timeout.Token));
            context.Set(ResponseHeaders, response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase));
            var expected = context.Get(ExpectedStatusCodes) ?? [];
            context.Complete(expected.Contains(code) ? code.ToString() : UnmatchedStatusCode, "Done");
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            context.Journal("error", $"no answer within {context.Get(Timeout)}");
            context.Complete(TimedOut);
        }
        catch (HttpRequestException e)
        {
            context.Journal("error", e.Message);
            context.Complete(FailedToConnect);
        }
    }

    private HttpRequestMessage BuildRequest(ActivityContext context)
    {
        var url = context.Get(Url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InvalidOperationException($"'{url}' is not an absolute http(s) URL.");
        var request = new HttpRequestMessage(new HttpMethod(context.Get(Method).ToUpperInvariant()), uri);
        if (context.Get(Content) is { } body)
            request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(context.Get(ContentType)).MediaType!);
        foreach (var (name, value) in context.Get(RequestHeaders) ?? [])
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content?.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
