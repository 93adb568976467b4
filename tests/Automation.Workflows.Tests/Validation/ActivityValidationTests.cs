using static Automation.Workflows.Tests.Validation.Validating;

namespace Automation.Workflows.Tests.Validation;

public sealed class ActivityValidationTests
{
    [Fact]
    public void An_activity_without_id_is_reported()
    {
        var errors = Errors($$"""[ {{WriteLine("a1")}}, { "type": "Elsa.End", "version": 1 } ]""");

        Single(errors, null, "$.root.activities[1].id", "the activity has no 'id'");
    }

    [Fact]
    public void Duplicate_activity_ids_are_reported_at_the_second_one()
    {
        var errors = Errors($$"""[ {{WriteLine("a1")}}, {{WriteLine("a2")}}, {{WriteLine("a1")}} ]""");

        Single(errors, "a1", "$.root.activities[2].id", "duplicate activity id 'a1': $.root.activities[0] has it too");
    }

    [Fact]
    public void An_activity_without_type_is_reported()
    {
        Single(Errors("""[ { "id": "a1", "version": 1 } ]"""), "a1", "$.root.activities[0].type", "has no 'type'");
    }

    [Fact]
    public void An_unknown_activity_type_is_reported_and_kept_in_the_document()
    {
        var definition = Workflow($$"""[ {{WriteLine("a1")}}, {{Activity("a2", "Acme.SendInvoice")}} ]""");

        var errors = Validator.Validate(definition, FileName);

        Single(errors, "a2", "$.root.activities[1].type", "unknown activity type 'Acme.SendInvoice'");
        Assert.Equal("Acme.SendInvoice", (string?)definition.Root!["activities"]![1]!["type"]);
    }

    [Fact]
    public void An_unknown_version_says_which_versions_exist()
    {
        var errors = Errors("""[ { "id": "w", "type": "Elsa.WriteLine", "version": 2 } ]""");

        Single(errors, "w", "$.root.activities[0].version", "'Elsa.WriteLine' has no version 2; it exists in version 1");
    }

    [Fact]
    public void A_version_that_is_not_a_number_is_reported()
    {
        Single(Errors("""[ { "id": "w", "type": "Elsa.WriteLine", "version": "1" } ]"""), "w", "$.root.activities[0].version", "must be a whole number, found a string");
    }

    [Theory]
    [InlineData("", "required input 'Condition' is missing")]
    [InlineData(""", "condition": null""", "required input 'Condition' is missing")]
    [InlineData(""", "condition": { "typeName": "Boolean", "expression": { "type": "Literal", "value": "" } }""", "required input 'Condition' is empty")]
    [InlineData(""", "condition": { "typeName": "Boolean", "expression": { "type": "Literal", "value": "  \t" } }""", "required input 'Condition' is empty")]
    [InlineData(""", "condition": { "typeName": "Boolean", "expression": { "type": "Literal" } }""", "required input 'Condition' is empty")]
    [InlineData(""", "condition": { "typeName": "Boolean", "expression": null }""", "required input 'Condition' is empty")]
    public void A_required_input_must_have_a_value(string input, string message)
    {
        var errors = Errors($$"""[ { "id": "d1", "type": "Elsa.FlowDecision", "version": 1 {{input}} } ]""");

        Single(errors, "d1", "$.root.activities[0].condition", message);
    }

    [Fact]
    public void A_required_raw_input_must_be_present()
    {
        Single(Errors("""[ { "id": "s1", "type": "Elsa.SetVariable", "version": 1 } ]"""), "s1", "$.root.activities[0].variable", "required input 'Variable' is missing");
    }

    [Fact]
    public void An_optional_input_may_be_absent_or_empty()
    {
        var errors = Errors("""[ { "id": "w", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "" } } } ]""");

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("\"text\": \"Hello\"", "$.root.activities[0].text", "input 'Text' must be a wrapped value {typeName, expression: {type, value}}, found the string \"Hello\"")]
    [InlineData("\"text\": { \"typeName\": \"String\", \"value\": \"Hello\" }", "$.root.activities[0].text", "must be a wrapped value")]
    [InlineData("\"text\": [\"Hello\"]", "$.root.activities[0].text", "found an array")]
    [InlineData("\"text\": { \"typeName\": \"String\", \"expression\": \"Hello\" }", "$.root.activities[0].text.expression", "'expression' must be an object {type, value}, found a string")]
    [InlineData("\"text\": { \"typeName\": \"String\", \"expression\": { \"type\": 1, \"value\": \"Hello\" } }", "$.root.activities[0].text.expression.type", "the expression type must be a string, found a number")]
    [InlineData("\"text\": { \"typeName\": 5, \"expression\": { \"type\": \"Literal\", \"value\": \"Hello\" } }", "$.root.activities[0].text.typeName", "'typeName' must be a string")]
    [InlineData("\"text\": { \"expression\": { \"type\": \"Literal\", \"value\": \"Hello\" }, \"memoryReference\": \"m1\" }", "$.root.activities[0].text.memoryReference", "must be an object {id} or null")]
    public void A_wrapped_input_of_the_wrong_shape_is_reported(string input, string path, string message)
    {
        var errors = Errors($$"""[ { "id": "w", "type": "Elsa.WriteLine", "version": 1, {{input}} } ]""");

        Single(errors, "w", path, message);
    }

    [Theory]
    [InlineData("\"result\": \"Result1\"", "$.root.activities[0].result", "output 'Result' must be {typeName, memoryReference: {id}} or null")]
    [InlineData("\"result\": { \"typeName\": \"Object\", \"memoryReference\": { \"id\": 7 } }", "$.root.activities[0].result.memoryReference", "must bind to a variable")]
    public void An_output_binding_of_the_wrong_shape_is_reported(string output, string path, string message)
    {
        var errors = Errors($$"""[ { "id": "e", "type": "Elsa.Event", "version": 1, "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "paid" } }, {{output}} } ]""");

        Single(errors, "e", path, message);
    }

    [Fact]
    public void An_unsupported_expression_type_lists_the_supported_ones()
    {
        var errors = Errors("""[ { "id": "d", "type": "Elsa.FlowDecision", "version": 1, "condition": { "typeName": "Boolean", "expression": { "type": "CSharp", "value": "true" } } } ]""");

        var error = Single(errors, "d", "$.root.activities[0].condition.expression.type", "expression type 'CSharp' is not supported; supported types: ");
        Assert.Contains("JavaScript", error.Message);
        Assert.Contains("Liquid", error.Message);
        Assert.Contains("Literal", error.Message);
    }

    [Theory]
    [InlineData("JavaScript", "Order.Amount > 100 && Order.Country === 'NO'")]
    [InlineData("Liquid", "Order {{ Order.Number }} is paid")]
    [InlineData("Object", "{ \\\"a\\\": [1, 2] }")]
    [InlineData("Variable", "{\\\"id\\\":\\\"v1\\\",\\\"name\\\":\\\"Counter\\\"}")]
    public void Supported_expressions_that_are_well_formed_pass(string type, string value)
    {
        var errors = Errors($$"""[ { "id": "s", "type": "Elsa.SetVariable", "version": 1, "variable": { "id": "v1", "name": "Counter" }, "value": { "typeName": "Object", "expression": { "type": "{{type}}", "value": "{{value}}" } } } ]""");

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("JavaScript", "Order.Amount >", "bad JavaScript expression: JavaScript: syntax error")]
    [InlineData("JavaScript", "[1, 2].map(x => x * 2)", "only ES5 is supported")]
    [InlineData("Object", "{ not json", "bad Object expression")]
    [InlineData("Liquid", "Order {{ Order.Number", "bad Liquid expression")]
    public void A_bad_expression_is_reported_with_the_checker_message(string type, string value, string message)
    {
        var errors = Errors($$"""[ { "id": "s", "type": "Elsa.SetVariable", "version": 1, "variable": { "id": "v1", "name": "Counter" }, "value": { "typeName": "Object", "expression": { "type": "{{type}}", "value": "{{value}}" } } } ]""");

        Single(errors, "s", "$.root.activities[0].value", message);
    }
}
