using System.Buffers;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Automation.Server.Api;

/// Refuses bodies over Limits:MaxBodyBytes with 413 before anything reads them: by Content-Length when it is given;
/// a body of unknown length (chunked) is read into memory up to the limit first. Works the same on Kestrel and in
/// the in-process test server.
public sealed class BodySizeLimit(RequestDelegate next, IOptions<LimitOptions> limits)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var max = limits.Value.MaxBodyBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = max + 1;
        if (http.Request.ContentLength > max || (http.Request.ContentLength is null && !await FitsAsync(http.Request, max)))
        {
            var size = http.Request.ContentLength is { } length ? $"{length} bytes" : "larger than that";
            await Problems.Result(413, "Payload too large", $"The request body is {size}; the limit is {max} bytes (Limits:MaxBodyBytes).", "payload_too_large")
                .ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    /// Reads a body of unknown length into a buffer the handlers read again; false when it exceeds the limit. The read
    /// buffer is the pool's: JSON clients (HttpClient's PostAsJsonAsync among them) send chunked bodies, so a buffer
    /// of its own per request was the largest allocation of a payment, many times the size of its body.
    private static async Task<bool> FitsAsync(HttpRequest request, long max)
    {
        var buffer = new MemoryStream(); // grows to the body's size
        var chunk = ArrayPool<byte>.Shared.Rent(ReadBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > max) return false;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        buffer.Position = 0;
        request.Body = buffer;
        request.HttpContext.Response.RegisterForDispose(buffer);
        return true;
    }

    private const int ReadBytes = 16 * 1024;
}
