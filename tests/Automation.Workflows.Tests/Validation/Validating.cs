using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Validation;

namespace Automation.Workflows.Tests.Validation;

/// The validator with our built-in activities and the default expression languages, and small workflows to feed it.
internal static class Validating
{
    public const string FileName = "test.json";

    public static readonly ActivityRegistry Registry = ActivityRegistry.FromAssemblies(typeof(Start).Assembly);
    public static readonly WorkflowValidator Validator = new(Registry, ExpressionEngine.CreateDefault());

    /// A workflow with the given `root.activities` and `root.connections` JSON (and optionally `customProperties`).
    public static WorkflowDefinition Workflow(string activities, string connections = "[]", string customProperties = "{}") =>
        WorkflowJson.Parse($$"""
            {
              "definitionId": "test-flow",
              "customProperties": {{customProperties}},
              "root": { "id": "flow1", "type": "Elsa.Flowchart", "version": 1, "activities": {{activities}}, "connections": {{connections}} }
            }
            """, FileName);

    public static IReadOnlyList<ValidationError> Errors(string activities, string connections = "[]", string customProperties = "{}") =>
        Validator.Validate(Workflow(activities, connections, customProperties), FileName);

    public static IReadOnlyList<ValidationError> ErrorsOf(string document) =>
        Validator.Validate(WorkflowJson.Parse(document, FileName), FileName);

    /// A WriteLine activity with a literal text.
    public static string WriteLine(string id, string text = "hi") =>
        $$"""{ "id": "{{id}}", "type": "Elsa.WriteLine", "version": 1, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "{{text}}" } } }""";

    public static string Activity(string id, string type) => $$"""{ "id": "{{id}}", "type": "{{type}}", "version": 1 }""";

    public static string Link(string source, string target, string port = "Done") =>
        $$"""{ "source": { "activity": "{{source}}", "port": "{{port}}" }, "target": { "activity": "{{target}}", "port": "In" } }""";

    /// The only error, checked field by field.
    public static ValidationError Single(IReadOnlyList<ValidationError> errors, string? activityId, string jsonPath, string messagePart)
    {
        var error = Assert.Single(errors);
        Assert.Equal(FileName, error.File);
        Assert.Equal(activityId, error.ActivityId);
        Assert.Equal(jsonPath, error.JsonPath);
        Assert.Contains(messagePart, error.Message);
        return error;
    }
}
