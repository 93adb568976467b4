using Automation.Workflows.Model;
using Automation.Workflows.Tests.Json;
using Automation.Workflows.Validation;
using static Automation.Workflows.Tests.Validation.Validating;

namespace Automation.Workflows.Tests.Validation;

public sealed class DefinitionValidationTests
{
    private const string Root = """{ "id": "flow1", "type": "Elsa.Flowchart", "activities": [], "connections": [] }""";

    [Fact]
    public void A_complete_status_workflow_using_every_builtin_has_no_errors()
    {
        var definition = WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.Ours, "order-paid.json"));

        Assert.Empty(Validator.Validate(definition, "order-paid.json"));
    }

    [Fact]
    public void A_workflow_with_flat_connections_has_no_errors()
    {
        var definition = WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.Ours, "flat-connections.json"));

        Assert.Empty(Validator.Validate(definition, "flat-connections.json"));
    }

    [Theory]
    [InlineData("", "the workflow has no 'definitionId'")]
    [InlineData("\"definitionId\": \"  \",", "'definitionId' is empty")]
    [InlineData("\"definitionId\": 42,", "'definitionId' must be a string, found a number")]
    public void A_workflow_needs_a_definition_id(string property, string message)
    {
        var errors = ErrorsOf($$"""{ {{property}} "root": {{Root}} }""");

        Single(errors, null, "$.definitionId", message);
    }

    [Fact]
    public void A_workflow_without_root_is_reported()
    {
        Single(ErrorsOf("""{ "definitionId": "x" }"""), null, "$.root", "has no 'root'; it must be an 'Elsa.Flowchart'");
    }

    [Fact]
    public void A_root_that_is_not_a_flowchart_is_reported()
    {
        var errors = ErrorsOf("""{ "definitionId": "x", "root": { "id": "seq1", "type": "Elsa.Sequence", "activities": [] } }""");

        Single(errors, "seq1", "$.root.type", "the root activity is an 'Elsa.Sequence'; it must be an 'Elsa.Flowchart'");
    }

    [Fact]
    public void A_root_that_is_not_an_object_is_reported()
    {
        Single(ErrorsOf("""{ "definitionId": "x", "root": [] }"""), null, "$.root", "found an array");
    }

    [Theory]
    [InlineData("""{ "name": "Paid", "sort": 1 }""", "$.customProperties.orderStatus.code", "has no 'code'")]
    [InlineData("""{ "code": "Paid", "name": "Paid" }""", "$.customProperties.orderStatus.code", "status code 'Paid' may hold only lower-case")]
    [InlineData("""{ "code": "-paid", "name": "Paid" }""", "$.customProperties.orderStatus.code", "must start with a letter or digit")]
    [InlineData("""{ "code": "paid now", "name": "Paid" }""", "$.customProperties.orderStatus.code", "status code 'paid now'")]
    [InlineData("""{ "code": "paid\n", "name": "Paid" }""", "$.customProperties.orderStatus.code", "may hold only")]
    [InlineData("""{ "code": "paid" }""", "$.customProperties.orderStatus.name", "has no 'name'")]
    [InlineData("""{ "code": "paid", "name": " " }""", "$.customProperties.orderStatus.name", "has no 'name'")]
    [InlineData("""{ "code": "paid", "name": "Paid", "sort": "200" }""", "$.customProperties.orderStatus.sort", "'sort' must be a number, found a string")]
    [InlineData("""{ "code": "paid", "name": "Paid", "semantics": "done" }""", "$.customProperties.orderStatus.semantics", "one of process, success, failure, found 'done'")]
    [InlineData("""{ "code": "paid", "name": "Paid", "semantics": null }""", "$.customProperties.orderStatus.semantics", "found null")]
    [InlineData("\"paid\"", "$.customProperties.orderStatus", "must be an object {code, name, sort, semantics}, found a string")]
    public void Order_status_errors_name_the_field(string status, string path, string message)
    {
        var errors = Errors("[]", customProperties: $$"""{ "orderStatus": {{status}} }""");

        Single(errors, null, path, message);
    }

    [Theory]
    [InlineData("""{ "code": "paid", "name": "Paid", "sort": 200, "semantics": "process", "color": "#2fc6f6" }""")]
    [InlineData("""{ "code": "canceled_by-client2", "name": "Отменён", "sort": 900.5, "semantics": "failure" }""")]
    [InlineData("""{ "code": "0-new", "name": "New" }""")]
    public void Well_formed_order_statuses_pass(string status)
    {
        Assert.Empty(Errors("[]", customProperties: $$"""{ "orderStatus": {{status}} }"""));
    }

    [Fact]
    public void Custom_properties_that_are_not_an_object_are_reported()
    {
        Single(Errors("[]", customProperties: "[]"), null, "$.customProperties", "must be an object, found an array");
    }

    [Fact]
    public void An_error_prints_as_one_line_with_file_path_activity_and_message()
    {
        Assert.Equal("paid.json: $.root.activities[3].text (activity 'a3'): required input 'Text' is missing",
            new ValidationError("paid.json", "a3", "$.root.activities[3].text", "required input 'Text' is missing").ToString());
        Assert.Equal("paid.json: $.definitionId: the workflow has no 'definitionId'",
            new ValidationError("paid.json", null, "$.definitionId", "the workflow has no 'definitionId'").ToString());
    }

    [Theory]
    [InlineData("""{ "root": 5 }""")]
    [InlineData("""{ "definitionId": [], "root": { "type": 7 } }""")]
    [InlineData("""{ "definitionId": "x", "root": { "type": "Elsa.Flowchart", "activities": {}, "connections": "a->b" } }""")]
    [InlineData("""{ "definitionId": "x", "root": { "type": "Elsa.Flowchart", "activities": [1, null, "x", [], { "id": 5, "type": [] }], "connections": [1, null, {}, { "source": 1, "target": {} }] } }""")]
    [InlineData("""{ "definitionId": "x", "root": { "type": "Elsa.Flowchart", "activities": [{ "id": "a", "type": "Elsa.WriteLine", "version": "one" }, { "id": "b", "type": "Elsa.FlowDecision", "condition": { "expression": { "type": { "x": 1 }, "value": [] } } }] } }""")]
    [InlineData("""{ "definitionId": "x", "customProperties": { "orderStatus": { "code": 1, "name": {}, "sort": [], "semantics": 2 } }, "root": { "type": "Elsa.Flowchart" } }""")]
    [InlineData("""{ "definitionId": "x", "root": { "type": "Elsa.Flowchart", "activities": [{ "id": "e", "type": "Elsa.Event", "result": "x", "eventName": { "typeName": 1, "expression": "name", "memoryReference": 3 } }] } }""")]
    public void Garbage_becomes_errors_never_an_exception(string document)
    {
        var errors = ErrorsOf(document);

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith("$", e.JsonPath));
    }
}
