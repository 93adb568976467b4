using Automation.Workflows.Model;
using Automation.Workflows.Validation;
using static Automation.Workflows.Tests.Validation.Validating;

namespace Automation.Workflows.Tests.Validation;

public sealed class MultiFileValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("workflow-validation-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Status(string definitionId, string code) => $$"""
        {
          "definitionId": "{{definitionId}}",
          "customProperties": { "orderStatus": { "code": "{{code}}", "name": "{{code}}", "sort": 100, "semantics": "process" } },
          "root": { "id": "flow1", "type": "Elsa.Flowchart", "version": 1, "activities": [], "connections": [] }
        }
        """;

    private static (WorkflowDefinition, string) Parsed(string file, string json) => (WorkflowJson.Parse(json, file), file);

    [Fact]
    public void A_status_code_used_twice_is_reported_on_the_later_file()
    {
        var errors = Validator.ValidateAll([Parsed("new.json", Status("new", "new")), Parsed("paid.json", Status("paid", "paid")), Parsed("paid-copy.json", Status("paid-copy", "paid"))]);

        var error = Assert.Single(errors);
        Assert.Equal(new ValidationError("paid-copy.json", null, "$.customProperties.orderStatus.code",
            "duplicate order status code 'paid': paid.json uses it too"), error);
    }

    [Fact]
    public void A_definition_id_used_twice_is_reported_on_the_later_file()
    {
        var errors = Validator.ValidateAll([Parsed("a.json", Status("same", "a")), Parsed("b.json", Status("same", "b"))]);

        var error = Assert.Single(errors);
        Assert.Equal(("b.json", "$.definitionId"), (error.File, error.JsonPath));
        Assert.Contains("duplicate definitionId 'same': a.json uses it too", error.Message);
    }

    [Fact]
    public void Errors_of_several_files_come_grouped_by_file_in_input_order()
    {
        var errors = Validator.ValidateAll([
            Parsed("one.json", Status("x", "one").Replace("\"semantics\": \"process\"", "\"semantics\": \"won\"")),
            Parsed("two.json", Status("x", "two")),
            Parsed("three.json", """{ "root": { "type": "Elsa.Flowchart" } }""")]);

        Assert.Equal(["one.json", "two.json", "three.json"], errors.Select(e => e.File));
    }

    [Fact]
    public void A_directory_is_validated_file_by_file_and_a_malformed_file_does_not_stop_the_others()
    {
        File.WriteAllText(Path.Combine(_directory, "a-new.json"), Status("new", "new"));
        File.WriteAllText(Path.Combine(_directory, "b-broken.json"), "{\n  \"definitionId\": \"broken\",\n  \"root\": {\n}\n");
        File.WriteAllText(Path.Combine(_directory, "c-paid.json"), Status("paid", "new"));
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not a workflow");

        var errors = Validator.ValidateDirectory(_directory);

        Assert.Collection(errors,
            broken =>
            {
                Assert.Equal(Path.Combine(_directory, "b-broken.json"), broken.File);
                Assert.Null(broken.ActivityId);
                Assert.Matches(@"malformed JSON at line \d+, position \d+", broken.Message);
            },
            duplicate =>
            {
                Assert.Equal(Path.Combine(_directory, "c-paid.json"), duplicate.File);
                Assert.Equal("$.customProperties.orderStatus.code", duplicate.JsonPath);
                Assert.Contains($"duplicate order status code 'new': {Path.Combine(_directory, "a-new.json")} uses it too", duplicate.Message);
            });
    }

    [Fact]
    public void A_malformed_file_error_prints_its_line_and_position()
    {
        File.WriteAllText(Path.Combine(_directory, "broken.json"), "{\n  \"definitionId\": \"x\",\n  \"root\": { \"type\": ]\n}\n");

        var error = Assert.Single(Validator.ValidateDirectory(_directory));

        Assert.StartsWith($"{Path.Combine(_directory, "broken.json")}: ", error.ToString());
        Assert.EndsWith("broken.json: $: malformed JSON at line 3, position 21: ']' is an invalid start of a value", error.ToString());
    }

    [Fact]
    public void A_missing_directory_is_one_error()
    {
        var missing = Path.Combine(_directory, "nope");

        Assert.Equal([new ValidationError(missing, null, "$", "no such directory")], Validator.ValidateDirectory(missing));
    }

    [Fact]
    public void An_empty_directory_has_no_errors()
    {
        Assert.Empty(Validator.ValidateDirectory(_directory));
    }
}
