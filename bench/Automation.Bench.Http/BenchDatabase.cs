using Npgsql;

namespace Automation.Bench.Http;

/// A fresh PostgreSQL database for one measurement (CREATE DATABASE with a random name on the server named by
/// AUTOMATION_BENCH_POSTGRES, else AUTOMATION_TEST_POSTGRES), dropped afterwards; every node of it gets its connection string.
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private BenchDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("AUTOMATION_BENCH_POSTGRES") is { Length: > 0 } bench ? bench
            : Environment.GetEnvironmentVariable("AUTOMATION_TEST_POSTGRES") is { Length: > 0 } test ? test
            : throw new InvalidOperationException("Set AUTOMATION_BENCH_POSTGRES to a PostgreSQL connection string (a user that may CREATE DATABASE).");
        var name = "bench_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        // Enough pooled connections for a node's HTTP callers, its pump, its outbox and Quartz.
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = int.Parse(Environment.GetEnvironmentVariable("AUTOMATION_BENCH_PG_POOL") ?? "100") }.ConnectionString;
        return new BenchDatabase(admin, name, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
