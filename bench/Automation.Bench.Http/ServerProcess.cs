using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Automation.Bench.Http;

/// The built server started as its own process on a free 127.0.0.1 port, on a fresh SQLite file (or, for the `nodes`
/// mode, a PostgreSQL database several such processes share) and the benchmark's workflows; stopped (and its folder
/// removed) on dispose.
public sealed class ServerProcess : IAsyncDisposable
{
    public const string ApiKey = "bench-key";

    private readonly Process? _process;
    private readonly string? _folder;

    private ServerProcess(Process? process, string? folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    public Uri Address { get; }

    /// CPU the server process has used so far (zero for a server started by hand): per event, the figure the load of
    /// other processes on the machine disturbs least.
    public TimeSpan CpuTime
    {
        get
        {
            if (_process is null) return TimeSpan.Zero;
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ServerProcess> StartAsync(string configuration, IReadOnlyDictionary<string, string> workflows, string? postgres = null)
    {
        // For profiling: drive a server started by hand (with the benchmark's workflows and API key) instead.
        if (Environment.GetEnvironmentVariable("AUTOMATION_BENCH_SERVER") is { Length: > 0 } external)
            return new ServerProcess(null, null, new Uri(external));
        var root = RepositoryRoot();
        var dll = Path.Combine(root, "src", "Automation.Server", "bin", configuration, "net10.0", "Automation.Server.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the server first ({dll} is missing).");
        var folder = Directory.CreateTempSubdirectory("automation-bench-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "workflows"));
        foreach (var (name, json) in workflows) await File.WriteAllTextAsync(Path.Combine(folder, "workflows", name + ".json"), json);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Automation"] = postgres ?? $"Data Source={Path.Combine(folder, "automation.db")}";
        if (postgres is not null) start.Environment["Database__Provider"] = "PostgreSQL";
        start.Environment["Workflows__Directory"] = Path.Combine(folder, "workflows");
        start.Environment["Security__ApiKey"] = ApiKey;
        start.Environment["Webhooks__Secret"] = "bench-hook";
        start.Environment["Mail__Listener__Port"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Runtime knobs to try on the server: BENCH_DOTNET_gcServer=0 reaches it as DOTNET_gcServer=0.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => ((string)e.Key, (string?)e.Value)))
            if (name.StartsWith("BENCH_DOTNET_", StringComparison.Ordinal)) start.Environment[name["BENCH_".Length..]] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, folder, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilHealthyAsync();
        return server;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited) throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready.");
            try
            {
                if ((await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The server did not become healthy within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null || _folder is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Automation.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
