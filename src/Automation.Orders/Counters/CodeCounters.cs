using System.Data.Common;
using Microsoft.Data.Sqlite;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Automation.Orders.Counters;

/// Named sequences that never hand out a value twice, also to concurrent callers on several nodes.
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

    /// The next value of the counter: 1 on first use, then 2, 3, …
    public async Task<long> NextAsync(string counterName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(counterName)) throw DomainException.Invalid("counterName", "must not be empty");
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
