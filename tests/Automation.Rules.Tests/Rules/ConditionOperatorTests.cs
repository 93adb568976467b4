using System.Text.Json.Nodes;
using Automation.Rules.Conditions;

namespace Automation.Rules.Tests.Rules;

public sealed class ConditionOperatorTests
{
    [Theory]
    [InlineData("=", "100", "100.00", true)]
    [InlineData("=", "Paid", "paid", true)]
    [InlineData("=", "0", "", true)]
    [InlineData("=", "Y", "true", true)]
    [InlineData("=", "5", "6", false)]
    [InlineData("!=", "5", "6", true)]
    [InlineData("!=", "abc", "ABC", false)]
    [InlineData(">", "10", "9", true)]
    [InlineData(">", "9", "10", false)]
    [InlineData(">=", "10", "10", true)]
    [InlineData("<", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", true)]
    [InlineData("<", "10", "9", false)]
    [InlineData("<=", "9", "9.0", true)]
    [InlineData("in", "paid", "new, paid, shipped", true)]
    [InlineData("in", "canceled", "new,paid", false)]
    [InlineData("!in", "canceled", "new,paid", true)]
    [InlineData("contain", "Express delivery", "EXPRESS", true)]
    [InlineData("contain", "Pickup", "express", false)]
    [InlineData("!contain", "Pickup", "express", true)]
    [InlineData("empty", "", null, true)]
    [InlineData("empty", "0", null, true)]
    [InlineData("empty", "x", null, false)]
    [InlineData("!empty", "x", null, true)]
    [InlineData("!empty", null, null, false)]
    public void Operator_compares_type_aware(string op, string? actual, string? expected, bool result) =>
        Assert.Equal(result, ConditionEvaluator.Test(op, actual, expected is null ? null : JsonValue.Create(expected)));

    [Fact]
    public void Multi_value_field_matches_element_wise() =>
        Assert.True(ConditionEvaluator.Test("=", "[\"red\",\"blue\"]", JsonValue.Create("Blue")));

    [Fact]
    public void And_binds_tighter_than_or()
    {
        // a AND b OR c: false AND true OR true = true; a AND (b OR c) would also be true, so check false AND false OR false too.
        var fields = new Dictionary<string, object?> { ["a"] = "1", ["b"] = "2", ["c"] = "3" };
        ConditionGroup Group(string a, string b, string c) => new()
        {
            Items =
            [
                new FieldCondition { Field = "a", Operator = "=", Value = a },
                new FieldCondition { Field = "b", Operator = "=", Value = b, Joiner = "AND" },
                new FieldCondition { Field = "c", Operator = "=", Value = c, Joiner = "OR" },
            ],
        };
        Assert.True(ConditionEvaluator.Evaluate(Group("x", "2", "3"), f => fields[f]).Passed);
        Assert.False(ConditionEvaluator.Evaluate(Group("x", "2", "x"), f => fields[f]).Passed);
        Assert.True(ConditionEvaluator.Evaluate(Group("1", "2", "x"), f => fields[f]).Passed);
        var verdict = ConditionEvaluator.Evaluate(Group("1", "x", "x"), f => fields[f]);
        Assert.False(verdict.Passed);
        Assert.Equal(["1", "2", "3"], verdict.Compared.Select(c => c.Actual));
    }

    [Fact]
    public void Unknown_operator_is_an_error_naming_it() =>
        Assert.Contains("'~'", Assert.Throws<ConditionException>(() => ConditionEvaluator.Test("~", "a", null)).Message);
}
