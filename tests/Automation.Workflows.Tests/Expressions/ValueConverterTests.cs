using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;

namespace Automation.Workflows.Tests.Expressions;

public sealed class ValueConverterTests
{
    public enum Channel { Email, Sms }

    [Fact]
    public void Null_becomes_the_default_of_value_types_and_null_otherwise()
    {
        Assert.Equal(0, ValueConverter.Convert(null, typeof(int)));
        Assert.Null(ValueConverter.Convert(null, typeof(int?)));
        Assert.Null(ValueConverter.Convert(null, typeof(string)));
        Assert.Null(ValueConverter.Convert("", typeof(DateTimeOffset?)));
    }

    [Fact]
    public void Strings_convert_to_numbers_and_back_in_invariant_culture()
    {
        Assert.Equal(42, ValueConverter.Convert("42", typeof(int)));
        Assert.Equal(42L, ValueConverter.Convert(" 42 ", typeof(long)));
        Assert.Equal(12.5m, ValueConverter.Convert("12.5", typeof(decimal)));
        Assert.Equal(0.25, ValueConverter.Convert("0.25", typeof(double)));
        Assert.Equal(7, ValueConverter.Convert(7L, typeof(int)));
        Assert.Equal(3, ValueConverter.Convert(3.0, typeof(int)));
        Assert.Equal("12.5", ValueConverter.Convert(12.5m, typeof(string)));
        Assert.Equal("true", ValueConverter.Convert(true, typeof(string)));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("Y", true)]
    [InlineData("n", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    public void Booleans_accept_the_usual_spellings(string text, bool expected)
    {
        Assert.Equal(expected, ValueConverter.Convert(text, typeof(bool)));
    }

    [Fact]
    public void Dates_times_guids_and_enums_parse_from_text()
    {
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.FromHours(2)), ValueConverter.Convert("2024-05-01T10:00:00+02:00", typeof(DateTimeOffset)));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero), ValueConverter.Convert("2024-05-01", typeof(DateTimeOffset)));
        Assert.Equal(new DateTime(2024, 5, 1, 8, 0, 0, DateTimeKind.Utc), ValueConverter.Convert("2024-05-01T10:00:00+02:00", typeof(DateTime)));
        Assert.Equal(TimeSpan.FromMinutes(5), ValueConverter.Convert("00:05:00", typeof(TimeSpan)));
        Assert.Equal(TimeSpan.FromMinutes(5), ValueConverter.Convert("PT5M", typeof(TimeSpan)));
        Assert.Equal(TimeSpan.FromHours(26), ValueConverter.Convert("P1DT2H", typeof(TimeSpan)));
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), ValueConverter.Convert("0f8fad5b-d9cb-469f-a165-70867728950e", typeof(Guid)));
        Assert.Equal(Channel.Sms, ValueConverter.Convert("sms", typeof(Channel)));
    }

    [Fact]
    public void Collections_come_from_json_text_json_arrays_lists_and_single_values()
    {
        Assert.Equal(["GET", "POST"], (string[])ValueConverter.Convert("[\"GET\",\"POST\"]", typeof(string[]))!);
        Assert.Equal(new List<int> { 1, 2 }, ValueConverter.Convert(JsonNode.Parse("[1, \"2\"]"), typeof(List<int>)));
        Assert.Equal(new List<long> { 3, 4 }, ValueConverter.Convert(new List<object?> { 3L, "4" }, typeof(IReadOnlyList<long>)));
        Assert.Equal(["only"], (string[])ValueConverter.Convert("only", typeof(string[]))!);
        Assert.Empty((string[])ValueConverter.Convert("", typeof(string[]))!);
    }

    [Fact]
    public void Dictionaries_come_from_json_object_text()
    {
        var headers = ValueConverter.Convert("{\"X-Key\":\"abc\",\"X-Count\":5}", typeof(Dictionary<string, string>));

        Assert.Equal(new Dictionary<string, string> { ["X-Key"] = "abc", ["X-Count"] = "5" }, headers);
    }

    [Fact]
    public void Json_nodes_convert_both_ways_and_objects_pass_through()
    {
        var node = Assert.IsType<JsonObject>(ValueConverter.Convert("{\"a\":1}", typeof(JsonNode)));
        Assert.Equal(1, node["a"]!.GetValue<int>());
        Assert.Equal("x", ValueConverter.Convert(JsonValue.Create("x"), typeof(string)));
        Assert.Equal(5, ValueConverter.Convert(JsonValue.Create(5L), typeof(int)));
        var passed = new object();
        Assert.Same(passed, ValueConverter.Convert(passed, typeof(object)));
    }

    [Theory]
    [InlineData("abc", typeof(int), "Count", "cannot convert \"abc\" to Int32 for input 'Count'")]
    [InlineData("2.5", typeof(long), "Days", "cannot convert \"2.5\" to Int64 for input 'Days'")]
    [InlineData("maybe", typeof(bool), null, "cannot convert \"maybe\" to Boolean")]
    [InlineData("5 minutes", typeof(TimeSpan), "Delay", "cannot convert \"5 minutes\" to TimeSpan for input 'Delay'")]
    [InlineData("Fax", typeof(Channel), "Channel", "cannot convert \"Fax\" to Channel for input 'Channel'")]
    [InlineData("", typeof(decimal), "Amount", "cannot convert \"\" to Decimal for input 'Amount'")]
    [InlineData("[1,\"x\"]", typeof(int[]), "Ids", "cannot convert \"x\" to Int32 for input 'Ids'")]
    [InlineData("yesterday", typeof(DateTimeOffset?), "Deadline", "cannot convert \"yesterday\" to DateTimeOffset for input 'Deadline'")]
    public void Values_that_cannot_convert_name_the_value_the_type_and_the_input(string value, Type type, string? input, string expected)
    {
        var error = Assert.Throws<ExpressionException>(() => ValueConverter.Convert(value, type, input));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Numbers_out_of_range_do_not_wrap()
    {
        var error = Assert.Throws<ExpressionException>(() => ValueConverter.Convert(5_000_000_000L, typeof(int), "Count"));

        Assert.Equal("cannot convert 5000000000 to Int32 for input 'Count'", error.Message);
    }
}
