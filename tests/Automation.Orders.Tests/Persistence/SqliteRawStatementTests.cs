using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace Automation.Orders.Tests.Persistence;

/// Statements bound by position through SQLitePCL (SqliteRawStatement) store what Microsoft.Data.Sqlite stores for the
/// same values, fail with the same exception, and leave every other type to Microsoft.Data.Sqlite.
public sealed class SqliteRawStatementTests
{
    public static TheoryData<object?> Values => new(
        null, DBNull.Value, "", "text with ü, 😀 and a ' quote", true, false,
        0L, -1L, long.MaxValue, long.MinValue, int.MinValue, (short)-7, (byte)255, (sbyte)-5, (ushort)65535, uint.MaxValue,
        0.1, -0.0, 1e300, double.PositiveInfinity, 1.5f, 3.3f,
        0m, 10m, 10.50m, -1234567890.123456789m, 1234567.89m, 0.0000001m, decimal.MaxValue, decimal.MinValue,
        new byte[] { 0, 1, 2, 255 }, Array.Empty<byte>());

    [Theory, MemberData(nameof(Values))]
    public async Task A_value_is_stored_exactly_as_Microsoft_Data_Sqlite_stores_it(object? value)
    {
        using var file = TestDatabases.NewSqliteFile();
        await using var connection = new SqliteConnection(file.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE t (n INTEGER PRIMARY KEY, v)"); // no type: nothing converts the value
        const string insert = "INSERT INTO t (n, v) VALUES (@p0, @p1)";
        await using (var command = new SqliteCommand(insert, connection))
        {
            command.Parameters.AddWithValue("@p0", 1);
            command.Parameters.AddWithValue("@p1", value ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }

        Assert.True(SqliteRawStatement.CanBind(value));
        using (var statement = SqliteRawStatement.Prepare(connection, insert))
        {
            statement.Bind(0, 2L);
            statement.Bind(1, value);
            Assert.Equal(1, statement.Run(null));
        }

        var stored = new List<string>();
        await using (var query = new SqliteCommand("SELECT typeof(v) || ' ' || quote(v) FROM t ORDER BY n", connection))
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        Assert.Equal(2, stored.Count);
        Assert.Equal(stored[0], stored[1]);
    }

    [Fact]
    public void Types_Microsoft_Data_Sqlite_converts_in_its_own_way_are_left_to_it()
    {
        Assert.All(new object[] { DateTimeOffset.UnixEpoch, DateTime.UnixEpoch, Guid.Empty, TimeSpan.Zero, 'c', double.NaN, float.NaN, DayOfWeek.Monday },
            value => Assert.False(SqliteRawStatement.CanBind(value), value.GetType().Name));
    }

    [Fact]
    public async Task Parameters_are_bound_by_their_number_whatever_their_order_in_the_text_and_rows_come_back()
    {
        using var file = TestDatabases.NewSqliteFile();
        await using var connection = new SqliteConnection(file.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, b INTEGER)");
        using var statement = SqliteRawStatement.Prepare(connection, "INSERT INTO t (b, a) VALUES (@p1, @p0), (@p3, @p2) RETURNING id");

        var ids = new List<object>();
        foreach (var (i, value) in new object[] { "x", 1L, "y", 2L }.Index()) statement.Bind(i, value);
        Assert.Equal(2, statement.Run(ids));

        Assert.Equal(new object[] { 1L, 2L }, ids);
        await using var query = new SqliteCommand("SELECT group_concat(a || b, ',') FROM t", connection);
        Assert.Equal("x1,y2", await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_failing_statement_throws_what_Microsoft_Data_Sqlite_throws_and_runs_again_afterwards()
    {
        using var file = TestDatabases.NewSqliteFile();
        await using var connection = new SqliteConnection(file.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE t (k TEXT UNIQUE)");
        using var statement = SqliteRawStatement.Prepare(connection, "INSERT INTO t (k) VALUES (@p0)");
        statement.Bind(0, "a");
        statement.Run(null);

        statement.Bind(0, "a");
        var error = Assert.Throws<SqliteException>(() => statement.Run(null));

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(2067, error.SqliteExtendedErrorCode); // SQLITE_CONSTRAINT_UNIQUE
        Assert.Equal("SQLite Error 19: 'UNIQUE constraint failed: t.k'.", error.Message);
        statement.Bind(0, "b");
        Assert.Equal(1, statement.Run(null));
        Assert.Throws<ArgumentException>(() => SqliteRawStatement.Prepare(connection, "INSERT INTO t (k) VALUES (@key)"));
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
