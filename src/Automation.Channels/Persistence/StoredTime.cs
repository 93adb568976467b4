using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Automation.Channels.Persistence;

/// How DateTimeOffset values are stored, as the store does: on SQLite fixed-width UTC ISO-8601 text (EF Core cannot
/// compare DateTimeOffset there, and equal-width UTC text sorts like time); on PostgreSQL timestamptz in UTC.
internal static class StoredTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromText(string text) =>
        new(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}

internal sealed class UtcTextConverter() : ValueConverter<DateTimeOffset, string>(v => StoredTime.ToText(v), v => StoredTime.FromText(v));

internal sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
