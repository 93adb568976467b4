using System.Data;
using System.Data.Common;

namespace Automation.Workflows.Persistence.Rows;

/// One SQL statement of the engine's hot path: its text and its parameters in order. The text is the same on SQLite
/// and PostgreSQL (quoted names, `@` parameters); parameter types are declared so that nulls bind on PostgreSQL.
internal sealed class Statement(string sql, params (string Name, DbType Type)[] parameters)
{
    public string Sql { get; } = sql;

    public DbCommand Create(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        foreach (var (name, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}

internal static class CommandValues
{
    /// Sets the parameters of a command made by <see cref="Statement.Create"/>, in the statement's order.
    public static DbCommand With(this DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command;
    }

    public static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static object? Millis(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset Moment(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static DateTimeOffset? MaybeMoment(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static string? MaybeText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
