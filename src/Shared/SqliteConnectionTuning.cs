using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Automation.Persistence;

/// Per-connection SQLite settings for every module with its own tables (linked into each; see the csproj), applied
/// whenever EF Core opens a connection. WAL (set once per file at migration) lets readers run beside the one writer;
/// synchronous=NORMAL is durable under WAL and much faster; busy_timeout makes writers wait for the lock, not fail.
internal sealed class SqliteConnectionTuning : DbConnectionInterceptor
{
    public const string Pragmas = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";

    public static SqliteConnectionTuning Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
