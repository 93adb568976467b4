using Automation.Server.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Automation.Server.Api;

/// Refuses bodies over Limits:MaxBodyBytes with 413 before anything reads them: by Content-Length when it is given,
/// and by counting while reading when it is not (chunked bodies), on Kestrel and in-process test servers alike.
public sealed class BodySizeLimit(RequestDelegate next, IOptions<LimitOptions> limits)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var max = limits.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            await Problems.Result(413, "Payload too large", $"The request body is {http.Request.ContentLength} bytes; the limit is {max} bytes (Limits:MaxBodyBytes).", "payload_too_large")
                .ExecuteAsync(http);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = max;
        if (http.Request.ContentLength is null && http.Request.Body.CanRead) http.Request.Body = new LimitedStream(http.Request.Body, max);
        await next(http);
    }

    private sealed class LimitedStream(Stream inner, long max) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > max) throw new BadHttpRequestException($"The request body is larger than the limit of {max} bytes (Limits:MaxBodyBytes).", 413);
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
