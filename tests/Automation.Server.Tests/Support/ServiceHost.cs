using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Workflows.Runtime;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Automation.Server.Tests.Support;

/// The real service (the whole HTTP pipeline, the engine, Quartz, the inbox pump) on a SQLite file in a folder of its
/// own, with its own workflows/ and a clock the test moves. Restarting keeps the folder.
public sealed class ServiceHost : IAsyncDisposable
{
    public const string ApiKey = "test-api-key";
    public const string HookSecret = "test-hook-secret";

    private WebApplicationFactory<Program>? _factory;
    private Action<IServiceCollection>? _services;

    private ServiceHost(string folder, ManualClock clock, IReadOnlyDictionary<string, string?> settings)
    {
        Folder = folder;
        Clock = clock;
        Settings = settings;
    }

    public string Folder { get; }
    public string WorkflowsFolder => Path.Combine(Folder, "workflows");
    public string DatabaseFile => Path.Combine(Folder, "automation.db");
    public ManualClock Clock { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }
    public HttpClient Client { get; private set; } = null!;
    public IServiceProvider Services => _factory!.Services;

    /// Starts the service with the repository's default workflows, or with the given workflow files instead.
    /// <paramref name="services"/> adds to the service's registrations (e.g. a fault injected through an extension point).
    public static async Task<ServiceHost> StartAsync(IReadOnlyDictionary<string, string>? workflows = null, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "automation-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(folder, "workflows"));
        if (workflows is null)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "workflows"), "*.json"))
                File.Copy(file, Path.Combine(folder, "workflows", Path.GetFileName(file)));
        else
            foreach (var (name, json) in workflows) await File.WriteAllTextAsync(Path.Combine(folder, "workflows", name + ".json"), json);
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Automation"] = $"Data Source={Path.Combine(folder, "automation.db")}",
            ["Workflows:Directory"] = Path.Combine(folder, "workflows"),
            ["Security:ApiKey"] = ApiKey,
            ["Webhooks:Secret"] = HookSecret,
            ["Pipeline:PumpInterval"] = "00:00:00.200",
            ["Mail:Listener:Port"] = "0",
            ["Employees:0:Name"] = "Mia Manager",
            ["Employees:0:Email"] = "mia@shop.test",
            ["Employees:1:Name"] = "Sam Seller",
            ["Employees:1:Email"] = "sam@shop.test",
            ["Employees:1:ManagerEmail"] = "mia@shop.test",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var host = new ServiceHost(folder, new ManualClock(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero)), all) { _services = services };
        await host.StartAgainAsync();
        return host;
    }

    /// Starts (or restarts) the service on the same folder and database.
    public Task StartAgainAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in Settings) web.UseSetting(key, value);
            web.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            web.ConfigureTestServices(services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
                _services?.Invoke(services);
            });
        });
        Client = _factory.CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", ApiKey);
        return Task.CompletedTask;
    }

    /// A client without the API key that does not follow redirects: what a mail program's click or image load looks like.
    public HttpClient CreatePublicClient() => _factory!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task StopAsync()
    {
        if (_factory is null) return;
        Client.Dispose();
        await _factory.DisposeAsync();
        _factory = null;
        SqliteConnection.ClearAllPools();
    }

    /// Moves the clock and fires the rule delays and waits that are due, as Quartz would at that time.
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Services.GetRequiredService<WorkflowEngine>().ResumeDueTimersAsync(Clock.GetUtcNow());
        await Services.GetRequiredService<Automation.Server.Events.WaitEnds>().EndDueAsync(CancellationToken.None);
    }

    public async Task<JsonObject> CreateOrderAsync(object? body = null)
    {
        var response = await Client.PostAsJsonAsync("/api/orders", body ?? new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com", phone = "+1 555 0100" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
        });
        return await Expect.JsonAsync(response, 201);
    }

    public async Task<JsonObject> GetAsync(string path) => await Expect.JsonAsync(await Client.GetAsync(path), 200);

    public async Task<JsonArray> GetArrayAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    public async Task<List<string>> TimelineTextsAsync(long orderId) =>
        (await GetAsync($"/api/orders/{orderId}/timeline"))["items"]!.AsArray().Select(e => e!["text"]!.GetValue<string>()).ToList();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned by the OS later.
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Automation.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (Automation.sln) was not found above the test binaries.");
    }
}

/// Assertions on HTTP responses that say what came back when they fail.
public static class Expect
{
    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// A problem-details response with this status whose detail mentions every given fragment.
    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, int status, params string[] mentions)
    {
        var problem = await JsonAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = problem["detail"]?.GetValue<string>() ?? "";
        foreach (var mention in mentions) Assert.Contains(mention, detail, StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
