using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Automation.Reliability.Tests.Support;

/// One node of the service: the built server started as its own process in a home folder of its own (appsettings.json,
/// workflows/, data/), on fixed 127.0.0.1 ports so that a restart comes back at the same address. It can be killed
/// with SIGKILL (nothing runs after), stopped with SIGTERM (graceful), and started again.
public sealed class NodeProcess : IAsyncDisposable
{
    public const string ApiKey = "reliability-key";
    public const string HookSecret = "reliability-hook";

    private readonly Dictionary<string, string> _environment;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    private NodeProcess(string name, string home, Dictionary<string, string> environment)
    {
        Name = name;
        Home = home;
        HttpPort = FreePort();
        SmtpPort = FreePort();
        _environment = environment;
        Address = new Uri($"http://127.0.0.1:{HttpPort}");
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", ApiKey);
    }

    public string Name { get; }
    public string Home { get; }
    public int HttpPort { get; }
    public int SmtpPort { get; }
    public Uri Address { get; }
    public HttpClient Client { get; }
    public bool IsRunning => _process is { HasExited: false };
    public int Starts { get; private set; }

    /// The node's last lines of output, for failure messages.
    public string RecentLog => string.Join(Environment.NewLine, _log.TakeLast(40));

    /// A node with the given workflow files and settings (environment variables, `Section__Key` = value).
    public static NodeProcess Create(string name, IReadOnlyDictionary<string, string> workflows, IReadOnlyDictionary<string, string> settings)
    {
        var home = Directory.CreateTempSubdirectory($"automation-node-{name}-").FullName;
        Directory.CreateDirectory(Path.Combine(home, "workflows"));
        File.WriteAllText(Path.Combine(home, "appsettings.json"), "{}");
        foreach (var (file, json) in workflows) File.WriteAllText(Path.Combine(home, "workflows", file + ".json"), json);
        var environment = new Dictionary<string, string>
        {
            ["Security__ApiKey"] = ApiKey,
            ["Webhooks__Secret"] = HookSecret,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        var node = new NodeProcess(name, home, environment);
        node._environment["Urls"] = node.Address.ToString().TrimEnd('/');
        if (!settings.ContainsKey("Mail__Listener__Port")) node._environment["Mail__Listener__Port"] = node.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return node;
    }

    /// Starts the process and waits until `/health/ready` answers 200.
    public async Task StartAsync(TimeSpan? within = null)
    {
        if (IsRunning) throw new InvalidOperationException($"Node {Name} is already running.");
        var start = new ProcessStartInfo("dotnet", [ServerDll()])
        {
            WorkingDirectory = Home,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment) start.Environment[key] = value;
        _stoppedOnPurpose = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
        await WaitUntilReadyAsync(within ?? TimeSpan.FromSeconds(120));
    }

    /// Why the process is not running when nobody stopped it (null while it runs or after a kill or stop by the test).
    public string? UnexpectedExit => _process is { HasExited: true } p && !_stoppedOnPurpose
        ? $"node {Name} exited by itself with code {p.ExitCode}:{Environment.NewLine}{RecentLog}"
        : null;

    private bool _stoppedOnPurpose;

    /// SIGKILL: the process ends at once, in the middle of whatever it was doing.
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        _stoppedOnPurpose = true;
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// SIGTERM: the host stops taking work, finishes what it has, and exits; returns the exit code.
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        var process = _process ?? throw new InvalidOperationException($"Node {Name} was never started.");
        if (!process.HasExited)
        {
            _stoppedOnPurpose = true;
            using var signal = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await signal.WaitForExitAsync();
        }
        using var limit = new CancellationTokenSource(within);
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"Node {Name} exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{RecentLog}");
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
        throw new TimeoutException($"Node {Name} was not ready within {within}:{Environment.NewLine}{RecentLog}");
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        try
        {
            lock (_log) File.AppendAllText(Path.Combine(Home, "node.log"), line + Environment.NewLine);
        }
        catch (IOException)
        {
            // The folder is being removed.
        }
        _log.Enqueue(line);
        while (_log.Count > 400) _log.TryDequeue(out _);
    }

    /// The server built beside these tests (same configuration).
    private static string ServerDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot(), "src", "Automation.Server", "bin", configuration, "net10.0", "Automation.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the server first ({dll} is missing).");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Automation.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (Automation.sln) was not found above the test binaries.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
