using System.Net;
using Automation.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Automation.Server.Tests.Studio;

/// The service of a (stopped) ServiceHost's folder on a real socket on 127.0.0.1, for a browser to reach.
public sealed class KestrelService : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private KestrelService(WebApplicationFactory<Program> factory, string address)
    {
        _factory = factory;
        Address = address.TrimEnd('/');
    }

    public string Address { get; }

    public static KestrelService Start(ServiceHost stopped)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in stopped.Settings) web.UseSetting(key, value);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelService(factory, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
