using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HandlebarsDotNet;

namespace Automation.Workflows.Expressions;

/// The Liquid filters users may write after `|`, registered as Handlebars helpers of the same name.
internal static class LiquidFilters
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, Func<Filter, object?>> Filters = new(StringComparer.Ordinal)
    {
        ["upcase"] = f => f.Text?.ToUpperInvariant(),
        ["downcase"] = f => f.Text?.ToLowerInvariant(),
        ["capitalize"] = f => f.Text is { Length: > 0 } s ? char.ToUpperInvariant(s[0]) + s[1..] : f.Text,
        ["strip"] = f => f.Text?.Trim(),
        ["lstrip"] = f => f.Text?.TrimStart(),
        ["rstrip"] = f => f.Text?.TrimEnd(),
        ["escape"] = f => f.Text is null ? null : WebUtility.HtmlEncode(f.Text),
        ["append"] = f => f.Text + f.TextArgument(0),
        ["prepend"] = f => f.TextArgument(0) + f.Text,
        ["replace"] = f => f.Text?.Replace(f.TextArgument(0), f.TextArgument(1), StringComparison.Ordinal),
        ["truncate"] = Truncate,
        ["default"] = f => IsBlank(f.Value) ? f.Argument(0) : f.Value,
        ["size"] = f => Size(f.Value),
        ["join"] = f => f.Value is IEnumerable items and not string
            ? string.Join(f.Arguments.Length > 0 ? f.TextArgument(0) : " ", items.Cast<object?>().Select(Text))
            : f.Text,
        ["round"] = f => Number(f, v => Math.Round(v, f.Arguments.Length > 0 ? (int)f.NumberArgument(0) : 0, MidpointRounding.AwayFromZero)),
        ["ceil"] = f => Number(f, Math.Ceiling),
        ["floor"] = f => Number(f, Math.Floor),
        ["plus"] = f => Number(f, v => v + f.NumberArgument(0)),
        ["minus"] = f => Number(f, v => v - f.NumberArgument(0)),
        ["times"] = f => Number(f, v => v * f.NumberArgument(0)),
        ["divided_by"] = f => Number(f, v => f.NumberArgument(0) is var d && d == 0 ? throw f.Fail("cannot divide by zero") : v / d),
        ["money"] = f => f.Value is null ? null : f.Number().ToString("0.00", Invariant),
        ["format"] = Format,
        ["date"] = Date,
    };

    public static IReadOnlyCollection<string> Names => Filters.Keys;

    /// Registers every filter on a Handlebars environment; "now" and "today" in `date` read the given clock.
    public static void Register(IHandlebars handlebars, TimeProvider clock)
    {
        foreach (var (name, filter) in Filters)
        {
            handlebars.RegisterHelper(name, (Context _, Arguments arguments) =>
            {
                if (arguments.Length == 0) throw new ExpressionException($"Liquid: filter '{name}' needs a value");
                var values = arguments.AsEnumerable().Select(Plain).ToArray();
                return filter(new Filter(name, values[0], values[1..], clock));
            });
        }
    }

    private static object? Plain(object? value) => value switch
    {
        UndefinedBindingResult => null,
        JsonValue json => ModelValues.FromJsonValue(json),
        _ => value,
    };

    private static string? Text(object? value) => value is null ? null : ValueConverter.ToText(value);

    private static bool IsBlank(object? value) =>
        value is null or false or "" || value is ICollection { Count: 0 };

    private static object Size(object? value) => value switch
    {
        null => 0,
        string s => s.Length,
        ICollection collection => collection.Count,
        IEnumerable items => items.Cast<object?>().Count(),
        _ => 1,
    };

    private static object? Number(Filter f, Func<decimal, decimal> operation) => f.Value is null ? null : operation(f.Number());

    private static object? Truncate(Filter f)
    {
        var length = f.Arguments.Length > 0 ? (int)f.NumberArgument(0) : 50;
        var ellipsis = f.Arguments.Length > 1 ? f.TextArgument(1) : "...";
        if (f.Text is not { } text || text.Length <= length) return f.Text;
        return text[..Math.Max(0, length - ellipsis.Length)] + ellipsis;
    }

    private static object? Format(Filter f)
    {
        var format = f.TextArgument(0);
        return f.Value switch
        {
            null => null,
            IFormattable formattable and not Enum => formattable.ToString(format, Invariant),
            string s when decimal.TryParse(s, NumberStyles.Float, Invariant, out var number) => number.ToString(format, Invariant),
            string s when DateTimeOffset.TryParse(s, Invariant, DateTimeStyles.AssumeUniversal, out var date) => date.ToString(format, Invariant),
            _ => throw f.Fail($"cannot format {ValueConverter.Describe(f.Value)}"),
        };
    }

    private static object? Date(Filter f)
    {
        var format = Strftime(f.Arguments.Length > 0 ? f.TextArgument(0) : "yyyy-MM-dd");
        DateTimeOffset? date = f.Value switch
        {
            null or "" => null,
            "now" => f.Clock.GetUtcNow(),
            "today" => new DateTimeOffset(f.Clock.GetUtcNow().Date, TimeSpan.Zero),
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d),
            DateOnly d => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            string s when DateTimeOffset.TryParse(s, Invariant, DateTimeStyles.AssumeUniversal, out var parsed) => parsed,
            _ => throw f.Fail($"{ValueConverter.Describe(f.Value)} is not a date"),
        };
        return date?.ToString(format, Invariant);
    }

    /// Liquid's own date formats are strftime (`%Y-%m-%d`); .NET formats (`yyyy-MM-dd`) pass through.
    private static string Strftime(string format)
    {
        if (!format.Contains('%')) return format;
        var result = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length) { result.Append('\'').Append(format[i] == '\'' ? "\\'" : format[i]).Append('\''); continue; }
            result.Append(format[++i] switch
            {
                'Y' => "yyyy",
                'y' => "yy",
                'm' => "MM",
                'd' => "dd",
                'e' => "%d",
                'H' => "HH",
                'I' => "hh",
                'M' => "mm",
                'S' => "ss",
                'p' => "tt",
                'b' => "MMM",
                'B' => "MMMM",
                'a' => "ddd",
                'A' => "dddd",
                'z' => "zzz",
                '%' => "'%'",
                var other => $"'%{other}'",
            });
        }
        return result.ToString();
    }

    /// One call of a filter: the value before `|`, the arguments after `:`.
    private sealed record Filter(string Name, object? Value, object?[] Arguments, TimeProvider Clock)
    {
        public string? Text => LiquidFilters.Text(Value);

        public object? Argument(int index) => index < Arguments.Length ? Arguments[index] : null;

        public string TextArgument(int index) =>
            LiquidFilters.Text(Argument(index)) ?? throw Fail($"needs argument {index + 1}");

        public decimal Number() => ToDecimal(Value) ?? throw Fail($"needs a number, got {ValueConverter.Describe(Value)}");

        public decimal NumberArgument(int index) =>
            ToDecimal(Argument(index)) ?? throw Fail($"needs a number as argument {index + 1}, got {ValueConverter.Describe(Argument(index))}");

        public ExpressionException Fail(string problem) => new($"Liquid: filter '{Name}' {problem}");

        private static decimal? ToDecimal(object? value) => value switch
        {
            null or bool => null,
            string s => decimal.TryParse(s.Trim(), NumberStyles.Float, Invariant, out var d) ? d : null,
            IConvertible c when c.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal => c.ToDecimal(Invariant),
            _ => null,
        };
    }
}
