using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Automation.Server.Tests.Support;

/// A request as the fake gateway saw it.
public sealed record GatewayRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// The posted form fields (Twilio posts forms).
    public IReadOnlyDictionary<string, string> Form =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Body).ToDictionary(p => p.Key, p => p.Value.ToString());
}

/// A small Kestrel app on 127.0.0.1 standing in for an SMS gateway or Twilio: records each request and answers with an
/// id ("id" for gateways, "sid" for Twilio).
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeGateway(WebApplication app) => _app = app;

    public ConcurrentQueue<GatewayRequest> Requests { get; } = new();
    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var gateway = new FakeGateway(builder.Build());
        gateway._app.Run(async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            gateway.Requests.Enqueue(new GatewayRequest(context.Request.Path,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"id":"gw-{{gateway.Requests.Count}}","sid":"CA{{gateway.Requests.Count}}","status":"queued"}""", context.RequestAborted);
        });
        await gateway._app.StartAsync();
        gateway.BaseUrl = gateway._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
