using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Rules.Conditions;

/// Evaluates condition groups the way Bitrix24 does: OR of AND-runs, type-aware comparison (numbers, dates,
/// booleans, case-insensitive text), multi-value fields compared element-wise, and "0" equal to "" (both empty).
public static class ConditionEvaluator
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static ConditionVerdict Evaluate(ConditionGroup? group, Func<string, object?> readField)
    {
        if (group is null || group.IsEmpty) return ConditionVerdict.NoCondition;
        var compared = new List<ComparedValue>();
        bool anyGroup = false, current = true;
        for (var i = 0; i < group.Items.Count; i++)
        {
            var condition = group.Items[i];
            if (i > 0 && condition.StartsNewGroup)
            {
                anyGroup |= current;
                current = true;
            }
            var actual = readField(condition.Field);
            var result = Test(condition.Operator, actual, condition.Value);
            compared.Add(new ComparedValue(condition.Field, condition.Operator, TextOf(condition.Value), TextOf(actual), result));
            current &= result;
        }
        return new ConditionVerdict(anyGroup || current, compared);
    }

    public static bool Test(string op, object? actual, JsonNode? expected)
    {
        var values = Values(actual);
        return op.Trim().ToLowerInvariant() switch
        {
            "=" => values.Count == 0 ? IsEmpty(TextOf(expected)) : values.Any(v => Equal(v, TextOf(expected))),
            "!=" => !Test("=", actual, expected),
            ">" => values.Any(v => Compare(v, TextOf(expected)) > 0),
            ">=" => values.Any(v => Compare(v, TextOf(expected)) >= 0),
            "<" => values.Any(v => Compare(v, TextOf(expected)) < 0),
            "<=" => values.Any(v => Compare(v, TextOf(expected)) <= 0),
            "in" => Choices(expected).Any(e => values.Any(v => Equal(v, e)) || values.Count == 0 && IsEmpty(e)),
            "!in" => !Test("in", actual, expected),
            "contain" => values.Any(v => v.Contains(TextOf(expected) ?? "", StringComparison.OrdinalIgnoreCase)),
            "!contain" => !Test("contain", actual, expected),
            "empty" => values.All(IsEmpty),
            "!empty" => !values.All(IsEmpty),
            _ => throw new ConditionException($"unknown condition operator '{op}'; use =, !=, >, >=, <, <=, in, !in, contain, !contain, empty, !empty"),
        };
    }

    /// A field value as the list of texts it holds: one for a plain value, each element for a list or JSON array.
    private static List<string> Values(object? value) => value switch
    {
        null => [],
        JsonArray array => array.Select(TextOf).OfType<string>().ToList(),
        string s when s.StartsWith('[') && TryArray(s) is { } parsed => parsed,
        string s => [s],
        System.Collections.IEnumerable list and not JsonNode => list.Cast<object?>().Select(TextOf).OfType<string>().ToList(),
        _ => TextOf(value) is { } text ? [text] : [],
    };

    /// The choices of `in`: a JSON array, or a comma-separated text.
    private static List<string> Choices(JsonNode? expected) => expected is JsonArray
        ? Values(expected)
        : (TextOf(expected) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static List<string>? TryArray(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonArray array ? array.Select(TextOf).OfType<string>().ToList() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string? TextOf(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "Y" : "N",
        DateTimeOffset d => d.ToString("O", Invariant),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "Y" : "N",
        JsonNode n => n.ToJsonString(),
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString(),
    };

    private static bool IsEmpty(string? text) => string.IsNullOrWhiteSpace(text) || text.Trim() == "0";

    private static bool Equal(string actual, string? expected)
    {
        if (IsEmpty(actual) && IsEmpty(expected)) return true;
        if (expected is null) return false;
        if (Bool(actual) is { } a && Bool(expected) is { } e) return a == e;
        return Compare(actual, expected) == 0;
    }

    /// Numbers as numbers, dates as moments, anything else as case-insensitive text.
    private static int Compare(string actual, string? expected)
    {
        expected ??= "";
        if (Number(actual) is { } a && Number(expected) is { } e) return a.CompareTo(e);
        if (Date(actual) is { } da && Date(expected) is { } de) return da.CompareTo(de);
        if (IsEmpty(actual) && IsEmpty(expected)) return 0;
        return string.Compare(actual.Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    private static decimal? Number(string text) =>
        decimal.TryParse(text.Trim(), NumberStyles.Float, Invariant, out var n) ? n : null;

    private static DateTimeOffset? Date(string text) =>
        text.Trim().Length >= 8 && DateTimeOffset.TryParse(text.Trim(), Invariant, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    private static bool? Bool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "y" or "true" or "yes" => true,
        "n" or "false" or "no" => false,
        _ => null,
    };
}

/// A condition that cannot be evaluated (e.g. an unknown operator); the message names the problem.
public sealed class ConditionException(string message) : Exception(message);
