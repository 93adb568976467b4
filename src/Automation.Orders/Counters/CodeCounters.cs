using System.Data.Common;
using Microsoft.Data.Sqlite;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Automation.Orders.Counters;

/// Named sequences that never hand out a value twice, also to concurrent callers on several nodes.
///
/// Drawing a value locks the counter's row until the transaction that drew it ends. In a unit of work on PostgreSQL that
/// is the rest of the unit (its rules, its saves, its commit), so every node's units drawing from one counter (the
/// order numbers, a "Generate code" rule's counter) would queue behind each other: a second node could not add
/// throughput. <see cref="NextAsync"/> therefore draws, where the context has a connection for it, in a statement that
/// commits by itself, as a PostgreSQL sequence does: values stay unique and increasing, and a unit that rolls back after
/// drawing leaves its value unused (a gap). <see cref="NextWithoutGapsAsync"/> draws in the caller's transaction, for
/// numbers that must not skip (documents such as invoices), and serialises those callers. On SQLite, whose one writer
/// serialises every unit of work anyway, both draw in the transaction and never skip.
public sealed class CodeCounters(StoreDb db)
{
    public const string Orders = "order";

    // One statement that creates or increments the row and returns the new value: atomic on SQLite (3.35+) and
    // PostgreSQL without an explicit transaction, and the row lock serialises concurrent callers.
    private const string NextSql = """
        INSERT INTO code_counters ("Name", "Value") VALUES (@name, 1)
        ON CONFLICT ("Name") DO UPDATE SET "Value" = code_counters."Value" + 1
        RETURNING "Value"
        """;

    /// The next value of the counter: 1 on first use, then 2, 3, …; on PostgreSQL a value drawn by a unit of work that
    /// then rolls back is not handed out again.
    public async Task<long> NextAsync(string counterName, CancellationToken cancellationToken)
    {
        Check(counterName);
        if (db.Autonomous is { } open && await open(cancellationToken) is { } connection)
        {
            await using (connection)
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = NextSql;
                command.Parameters.Add(Parameter(command, "name", counterName));
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return await NextWithoutGapsAsync(counterName, cancellationToken);
    }

    /// The next value of the counter, drawn in the caller's transaction: a rollback gives it back, so the values handed
    /// out run without gaps. Concurrent callers wait for each other's transactions.
    public async Task<long> NextWithoutGapsAsync(string counterName, CancellationToken cancellationToken)
    {
        Check(counterName);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            // On SQLite the statement is prepared once per connection: compiling an upsert was a noticeable part of
            // every "Generate code" rule.
            DbCommand command;
            if (connection is SqliteConnection sqlite) command = SqliteStatementCache.Instance.Statement(sqlite, NextSql);
            else (command = connection.CreateCommand()).CommandText = NextSql;
            try
            {
                command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                command.Parameters.Clear();
                command.Parameters.Add(Parameter(command, "name", counterName));
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }
            finally
            {
                if (connection is not SqliteConnection) await command.DisposeAsync();
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Check(string counterName)
    {
        if (string.IsNullOrWhiteSpace(counterName)) throw DomainException.Invalid("counterName", "must not be empty");
    }

    /// The counter's last value handed out, 0 if it was never used.
    public async Task<long> PeekAsync(string counterName, CancellationToken cancellationToken) =>
        await db.CodeCounters.AsNoTracking().Where(c => c.Name == counterName).Select(c => c.Value).FirstOrDefaultAsync(cancellationToken);

    private static DbParameter Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        return parameter;
    }
}
