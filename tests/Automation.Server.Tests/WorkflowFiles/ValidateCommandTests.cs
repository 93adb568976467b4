using System.Diagnostics;
using Automation.Server.Tests.Support;
using Automation.Server.WorkflowFiles;

namespace Automation.Server.Tests.WorkflowFiles;

/// `validate [DIR]` for CI, and the server's refusal to start on the same errors.
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("automation-validate-").FullName;

    [Fact]
    public void The_shipped_workflows_are_valid()
    {
        var (code, stdout, stderr) = Run(Path.Combine(ServiceHost.RepositoryRoot(), "workflows"));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Contains("5 workflow file(s)", stdout);
    }

    [Fact]
    public void Every_error_is_one_line_naming_the_file_activity_and_path_and_the_exit_code_is_1()
    {
        File.WriteAllText(Path.Combine(_folder, "new.json"), new StatusFlow("new", 100).Add("mystery", "Automation.Teleport").Connect("start->mystery"));
        File.WriteAllText(Path.Combine(_folder, "broken.json"), "{ \"definitionId\": ");
        var (code, _, stderr) = Run(_folder);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(1, code);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains("broken.json", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("new.json", StringComparison.Ordinal) && l.Contains("'mystery'", StringComparison.Ordinal)
            && l.Contains("$.root.activities[1]", StringComparison.Ordinal) && l.Contains("Automation.Teleport", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_command_line_exits_1_on_invalid_workflows()
    {
        File.WriteAllText(Path.Combine(_folder, "new.json"), new StatusFlow("new", 100).Add("mystery", "Automation.Teleport"));
        var (code, stderr) = await RunServerAsync(["validate", _folder], []);
        Assert.Equal(1, code);
        Assert.Contains("Automation.Teleport", stderr);
    }

    [Fact]
    public async Task The_server_refuses_to_start_on_invalid_workflows_and_names_the_file()
    {
        File.WriteAllText(Path.Combine(_folder, "new.json"), new StatusFlow("new", 100).Add("mystery", "Automation.Teleport"));
        var (code, stderr) = await RunServerAsync([], new()
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Workflows__Directory"] = _folder,
            ["Security__ApiKey"] = "k",
            ["Webhooks__Secret"] = "s",
            ["ConnectionStrings__Automation"] = $"Data Source={Path.Combine(_folder, "automation.db")}",
        });
        Assert.Equal(1, code);
        Assert.Contains("Not starting", stderr);
        Assert.Contains(Path.Combine(_folder, "new.json"), stderr);
        Assert.Contains("Automation.Teleport", stderr);
    }

    [Fact]
    public async Task The_server_refuses_to_start_on_a_taken_port_with_one_line_and_no_stack_trace()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var (code, stderr) = await RunServerAsync([], new()
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Mail__Listener__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Workflows__Directory"] = Path.Combine(ServiceHost.RepositoryRoot(), "workflows"),
            ["Security__ApiKey"] = "k",
            ["Webhooks__Secret"] = "s",
            ["ConnectionStrings__Automation"] = $"Data Source={Path.Combine(_folder, "automation.db")}",
        });
        Assert.Equal(1, code);
        Assert.Contains("already in use", stderr);
        Assert.Contains("Mail:Listener:Port", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    /// Settings out of range, settings read before the host starts, and text a setting's type cannot read: one line
    /// naming the setting, no stack trace.
    [Theory]
    [InlineData("Recovery__SweepInterval", "00:00:00", "Recovery:SweepInterval must be a positive duration")]
    [InlineData("Recovery__StaleAfter", "-00:00:05", "Recovery:StaleAfter must be a positive duration")]
    [InlineData("Database__SqliteLogMegabytes", "1", "Database:SqliteLogMegabytes must be a whole number of megabytes from 4 to 4096 (now '1')")]
    [InlineData("Database__SqliteLogMegabytes", "a lot", "Database:SqliteLogMegabytes must be a whole number")]
    [InlineData("Database__Provider", "Oracle", "Database:Provider 'Oracle' is not supported")]
    [InlineData("Recovery__SweepInterval", "every minute", "'every minute' at 'Recovery:SweepInterval'")]
    [InlineData("Database__Provider", "PostgreSQL", "ConnectionStrings:Automation is not a PostgreSQL connection string: Couldn't set data source")]
    public async Task The_server_refuses_to_start_on_a_setting_it_cannot_use_and_names_it(string variable, string value, string expected)
    {
        var (code, stderr) = await RunServerAsync([], new()
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Mail__Listener__Port"] = "0",
            ["Workflows__Directory"] = Path.Combine(ServiceHost.RepositoryRoot(), "workflows"),
            ["Security__ApiKey"] = "k",
            ["Webhooks__Secret"] = "s",
            ["ConnectionStrings__Automation"] = $"Data Source={Path.Combine(_folder, "automation.db")}",
            [variable] = value,
        });
        Assert.Equal(1, code);
        Assert.Contains("Not starting: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    /// Runs the built server as a user would, with a time limit.
    private static async Task<(int Code, string Stderr)> RunServerAsync(string[] args, Dictionary<string, string> environment)
    {
        var server = Path.Combine(ServiceHost.RepositoryRoot(), "src", "Automation.Server", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Automation.Server.dll");
        var start = new ProcessStartInfo("dotnet", [server, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await stderr);
    }

    private static (int Code, string Stdout, string Stderr) Run(string directory)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ValidateCommand.Run([directory], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
