using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Automation.Persistence;

/// How DateTimeOffset values are stored by every module with its own tables (linked into each; see the csproj).
/// SQLite: fixed-width UTC ISO-8601 text, because EF Core cannot ORDER BY or compare DateTimeOffset on SQLite and
/// equal-width UTC text sorts exactly like time (and stays readable in the sqlite3 shell, unlike ticks).
/// PostgreSQL: timestamptz, which Npgsql only accepts with offset zero, so values are normalised to UTC first.
internal static class StoredTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromText(string text) =>
        new(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}

internal sealed class UtcTextConverter() : ValueConverter<DateTimeOffset, string>(v => StoredTime.ToText(v), v => StoredTime.FromText(v));

internal sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
