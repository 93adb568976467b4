using System.Text.Json.Serialization;
using Automation.Orders.Orders;
using Automation.Rules.Conditions;

namespace Automation.Rules.Rules;

/// When a rule runs (Bitrix24 "Run time"): immediately; after N minutes/hours/days; N before or after an order date
/// field (negative Value = before); or at a fixed moment. A moment already past means "now".
public sealed record RuleDelay
{
    [JsonPropertyName("kind")] public DelayKind Kind { get; init; } = DelayKind.Immediately;
    [JsonPropertyName("value")] public int Value { get; init; }
    [JsonPropertyName("unit")] public DelayUnit Unit { get; init; } = DelayUnit.Minutes;
    /// For BeforeOrAfterField: the order date field, e.g. `createdAt` or a custom field holding a date.
    [JsonPropertyName("field")] public string? Field { get; init; }
    /// For AtTime.
    [JsonPropertyName("at")] public DateTimeOffset? At { get; init; }

    /// The planned moment, or null when the rule runs at once (including when a field date is missing).
    public DateTimeOffset? PlannedAt(DateTimeOffset now, Order order) => Kind switch
    {
        DelayKind.After => now + Span(),
        DelayKind.BeforeOrAfterField when Field is { Length: > 0 } field && OrderFields.Date(order, field) is { } date => date + Span(),
        DelayKind.AtTime => At,
        _ => null,
    };

    public TimeSpan Span() => Unit switch
    {
        DelayUnit.Hours => TimeSpan.FromHours(Value),
        DelayUnit.Days => TimeSpan.FromDays(Value),
        _ => TimeSpan.FromMinutes(Value),
    };

    public override string ToString() => Kind switch
    {
        DelayKind.After => $"after {Value} {Unit.ToString().ToLowerInvariant()}",
        DelayKind.BeforeOrAfterField => $"{Math.Abs(Value)} {Unit.ToString().ToLowerInvariant()} {(Value < 0 ? "before" : "after")} {Field}",
        DelayKind.AtTime => $"at {At:O}",
        _ => "immediately",
    };
}

[JsonConverter(typeof(JsonStringEnumConverter<DelayKind>))]
public enum DelayKind { Immediately, After, BeforeOrAfterField, AtTime }

[JsonConverter(typeof(JsonStringEnumConverter<DelayUnit>))]
public enum DelayUnit { Minutes, Hours, Days }
