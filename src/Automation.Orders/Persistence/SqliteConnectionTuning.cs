using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Automation.Orders.Persistence;

/// Per-connection SQLite settings, applied whenever EF Core opens a connection.
/// Why: WAL (set once per file by StoreDatabase) lets readers run beside the single writer; synchronous=NORMAL is
/// durable enough under WAL and much faster; busy_timeout makes concurrent writers wait for the lock instead of failing.
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

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        StoreDatabase.PrepareSqliteConnectionAsync(connection, cancellationToken);
}
