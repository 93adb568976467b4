using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Automation.Testing;

/// A throwaway database for one test; Dispose removes it.
public sealed class TestDatabase(string connectionString, Action cleanup) : IDisposable
{
    private int disposed;

    public string ConnectionString { get; } = connectionString;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) cleanup();
    }
}

/// Fresh databases for tests: a SQLite file in a temporary folder, or a uniquely named PostgreSQL database on the
/// server named by AUTOMATION_TEST_POSTGRES or, without it, on one throwaway cluster this process starts and stops.
/// Linked as a source file into test projects; needs the Npgsql package.
public static class TestDatabases
{
    public const string PostgresVariable = "AUTOMATION_TEST_POSTGRES";
    public const string PostgresBinaries = "/usr/lib/postgresql/15/bin";

    private static readonly SemaphoreSlim ServerGate = new(1, 1);
    private static string? ownServer;

    public static TestDatabase NewSqliteFile(string fileName = "test.db")
    {
        var directory = Directory.CreateTempSubdirectory("automation-test-").FullName;
        return new TestDatabase($"Data Source={Path.Combine(directory, fileName)}", () => DeleteDirectory(directory));
    }

    public static async Task<TestDatabase> PostgresAsync(CancellationToken cancellationToken = default)
    {
        var admin = await ServerAsync(cancellationToken);
        var name = "test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(connectionString, () => DropDatabase(admin, name, connectionString));
    }

    private static async Task<string> ServerAsync(CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } configured) return configured;
        await ServerGate.WaitAsync(cancellationToken);
        try
        {
            return ownServer ??= StartCluster();
        }
        finally
        {
            ServerGate.Release();
        }
    }

    /// initdb + pg_ctl start in a temporary folder on a free port; stopped and deleted when the process exits.
    private static string StartCluster()
    {
        if (!File.Exists(Path.Combine(PostgresBinaries, "initdb")) || !File.Exists(Path.Combine(PostgresBinaries, "pg_ctl")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL tests need a server: set {PostgresVariable} to a connection string, or install PostgreSQL 15 " +
                $"(initdb and pg_ctl are not in {PostgresBinaries}).");
        }
        var directory = Directory.CreateTempSubdirectory("automation-pg-").FullName;
        // initdb refuses to run as root, so as root the cluster belongs to the postgres user.
        if (Environment.IsPrivilegedProcess) Run("chown", ["postgres", directory]);
        var data = Path.Combine(directory, "data");
        var port = FreePort();
        RunPostgresTool("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-N"]);
        RunPostgresTool("pg_ctl", ["-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off -c max_connections=300", "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopCluster(data, directory);
        StartWatchdog(data, directory);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static void StopCluster(string data, string directory)
    {
        try
        {
            RunPostgresTool("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
        }
        finally
        {
            DeleteDirectory(directory);
        }
    }

    /// A detached shell that stops the cluster and deletes its folder once this process is gone: test hosts are
    /// often killed before ProcessExit handlers finish, and a crashed test run must not leave a server behind.
    private static void StartWatchdog(string data, string directory)
    {
        var pgCtl = Path.Combine(PostgresBinaries, "pg_ctl");
        var stop = (Environment.IsPrivilegedProcess ? "runuser -u postgres -- " : "") + $"'{pgCtl}' -D '{data}' -m immediate stop";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop}; rm -rf '{directory}'";
        // The outer shell exits at once, so the watchdog is orphaned and not part of this process's tree.
        Run("sh", ["-c", $"( {script} ) </dev/null >/dev/null 2>&1 &"]);
    }

    private static void DropDatabase(string admin, string name, string connectionString)
    {
        using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
        using var connection = new NpgsqlConnection(admin);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }

    private static void RunPostgresTool(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(PostgresBinaries, tool);
        if (Environment.IsPrivilegedProcess) Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        else Run(path, arguments);
    }

    private static void Run(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} did not finish within 2 minutes.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {errors.Result}{output.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A file still held open elsewhere; the folder is under the temp directory and harmless.
        }
    }
}
