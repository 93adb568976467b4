using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Automation.Orders.Persistence;

/// One statement prepared on a SQLite connection and run through SQLitePCL directly, its parameters bound by position.
/// Microsoft.Data.Sqlite binds every parameter of every execution by name: a UTF-8 copy of the name, a call into SQLite
/// that searches the statement's names one by one, and a binder object per value. For the store's writes (up to 24
/// parameters in one INSERT of timeline entries) that was a tenth of a payment's time in the writer.
///
/// Values are bound exactly as Microsoft.Data.Sqlite binds them (a test compares the stored values of both); a value
/// of any other type (<see cref="CanBind"/> says false) is for the caller to run through Microsoft.Data.Sqlite.
/// Used by one caller at a time, like the connection it belongs to; finalized when the connection closes.
internal sealed class SqliteRawStatement : IDisposable
{
    // Microsoft.Data.Sqlite's text for a decimal: at least one decimal place, as many as the value has.
    private const string DecimalFormat = "0.0###########################";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly int[] _positions; // the position of parameter @pN, by N

    private SqliteRawStatement(sqlite3 db, sqlite3_stmt statement, int[] positions)
    {
        _db = db;
        _statement = statement;
        _positions = positions;
    }

    /// Prepares SQL whose parameters are all named `@p0`, `@p1`, … (each may appear more than once).
    public static SqliteRawStatement Prepare(SqliteConnection connection, string sql)
    {
        var db = HandleOf(connection);
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK) throw Error(rc, db);
        var count = raw.sqlite3_bind_parameter_count(statement);
        var positions = new int[count];
        for (var position = 1; position <= count; position++)
        {
            var name = raw.sqlite3_bind_parameter_name(statement, position).utf8_to_string();
            if (name is null || !name.StartsWith("@p", StringComparison.Ordinal)
                || !int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number >= count)
            {
                statement.Dispose();
                throw new ArgumentException($"Parameter '{name}' of '{sql}' is not named @p0 … @p{count - 1}.", nameof(sql));
            }
            positions[number] = position;
        }
        return new SqliteRawStatement(db, statement, positions);
    }

    /// Whether a value binds here as Microsoft.Data.Sqlite would bind it (NaN it refuses; it is left to refuse it).
    public static bool CanBind(object? value) => value switch
    {
        null or DBNull or string or byte[] or bool or long or int or short or byte or sbyte or ushort or uint or decimal => true,
        double d => !double.IsNaN(d),
        float f => !float.IsNaN(f),
        _ => false,
    };

    /// Binds parameter @pN; the value must pass <see cref="CanBind"/>.
    public void Bind(int number, object? value)
    {
        var position = _positions[number];
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, position),
            string text => raw.sqlite3_bind_text(_statement, position, text),
            byte[] blob => raw.sqlite3_bind_blob(_statement, position, blob),
            bool flag => raw.sqlite3_bind_int64(_statement, position, flag ? 1 : 0),
            long n => raw.sqlite3_bind_int64(_statement, position, n),
            int n => raw.sqlite3_bind_int64(_statement, position, n),
            short n => raw.sqlite3_bind_int64(_statement, position, n),
            byte n => raw.sqlite3_bind_int64(_statement, position, n),
            sbyte n => raw.sqlite3_bind_int64(_statement, position, n),
            ushort n => raw.sqlite3_bind_int64(_statement, position, n),
            uint n => raw.sqlite3_bind_int64(_statement, position, n),
            decimal d => raw.sqlite3_bind_text(_statement, position, d.ToString(DecimalFormat, CultureInfo.InvariantCulture)),
            double d => raw.sqlite3_bind_double(_statement, position, d),
            float f => raw.sqlite3_bind_double(_statement, position, f),
            _ => throw new ArgumentException($"A {value.GetType().Name} is bound through Microsoft.Data.Sqlite, not here.", nameof(value)),
        };
        if (rc != raw.SQLITE_OK) Fail(rc);
    }

    /// Runs the statement to its end; returns the first column of each row it returned (RETURNING) when asked for them,
    /// as Microsoft.Data.Sqlite's reader gives them, and the rows it changed. Leaves it reset, its parameters cleared.
    public int Run(List<object>? returned)
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW) returned?.Add(FirstColumn());
            if (rc != raw.SQLITE_DONE) Fail(rc);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
            raw.sqlite3_clear_bindings(_statement);
        }
    }

    private object FirstColumn() => raw.sqlite3_column_type(_statement, 0) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, 0),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, 0),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, 0).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, 0).ToArray(),
        _ => DBNull.Value,
    };

    private void Fail(int rc)
    {
        var error = Error(rc, _db); // read before the reset, which may replace the message
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
        throw error;
    }

    /// The exception Microsoft.Data.Sqlite throws for the error, with its message and codes.
    private static SqliteException Error(int rc, sqlite3 db) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));

    // SqliteConnection.Handle, read by reflection: Microsoft.Data.Sqlite is compiled against a later SQLitePCLRaw than
    // the one this app loads (SqliteCompat.cs), so the property's type does not match at compile time; at run time it
    // is this SQLitePCLRaw's sqlite3.
    private static readonly Func<SqliteConnection, object?> ConnectionHandle =
        typeof(SqliteConnection).GetProperty("Handle")!.GetMethod!.CreateDelegate<Func<SqliteConnection, object?>>();

    private static sqlite3 HandleOf(SqliteConnection connection) =>
        ConnectionHandle(connection) as sqlite3 ?? throw new InvalidOperationException("The SQLite connection is not open.");

    public void Dispose() => _statement.Dispose();
}
