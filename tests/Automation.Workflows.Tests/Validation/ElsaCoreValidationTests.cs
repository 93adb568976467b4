using System.Text.Json.Nodes;
using Automation.Workflows.Model;
using Automation.Workflows.Tests.Json;
using Automation.Workflows.Validation;
using static Automation.Workflows.Tests.Validation.Validating;

namespace Automation.Workflows.Tests.Validation;

/// Real Elsa exports (Fixtures/elsa-core) against a registry of our built-in activities.
public sealed class ElsaCoreValidationTests
{
    public static TheoryData<string, string, string, string> UnknownActivities => new()
    {
        { "http-hello-world.json", "90c3d3b2ea1f6ddc", "$.root.activities[0].type", "Elsa.HttpEndpoint" },
        { "http-hello-world.json", "3048105347912af5", "$.root.activities[1].type", "Elsa.WriteHttpResponse" },
        { "fork-decision-join-waitall.json", "cfffbc06a0b6eeb0", "$.root.activities[4].type", "Elsa.Fault" },
        { "cron-every-hour.json", "13658e4b3bfafaaf", "$.root.activities[1].type", "Elsa.Cron" },
        { "triggers.json", "607c2042a187fe5a", "$.root.activities[0].type", "Elsa.HttpEndpoint" },
    };

    [Theory]
    [MemberData(nameof(UnknownActivities))]
    public void Activity_types_we_do_not_have_are_reported_with_their_path(string file, string activityId, string path, string type)
    {
        var errors = Validator.Validate(Parse(file), file);

        Assert.Contains(new ValidationError(file, activityId, path,
            $"unknown activity type '{type}': no activity of that type exists here, so it cannot run"), errors);
    }

    [Theory]
    [InlineData("http-hello-world.json", 2)]
    [InlineData("cron-every-hour.json", 1)]
    [InlineData("triggers.json", 1)]
    public void Files_whose_only_fault_is_unknown_types_report_nothing_else(string file, int unknownTypes)
    {
        var errors = Validator.Validate(Parse(file), file);

        Assert.Equal(unknownTypes, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("unknown activity type", e.Message));
    }

    [Fact]
    public void A_real_export_built_only_from_our_activities_is_valid()
    {
        Assert.Empty(Validator.Validate(Parse("implicit-loop.json"), "implicit-loop.json"));
    }

    [Fact]
    public void A_top_level_return_in_an_elsa_javascript_condition_is_reported_as_bad_javascript()
    {
        var errors = Validator.Validate(Parse("fork-decision-join-waitall.json"), "fork-decision-join-waitall.json");

        var script = Assert.Single(errors, e => e.ActivityId == "35c0f40b240666c6");
        Assert.Equal("$.root.activities[3].condition", script.JsonPath);
        Assert.StartsWith("bad JavaScript expression: JavaScript: syntax error", script.Message);
    }

    [Theory]
    [MemberData(nameof(ElsaCoreFiles))]
    public void Validation_leaves_the_document_unchanged(string folder, string file)
    {
        var definition = WorkflowJson.Parse(FixtureFiles.Read(folder, file), file);
        var before = definition.Document.DeepClone();

        Validator.Validate(definition, file);

        Assert.True(JsonNode.DeepEquals(before, definition.Document), $"{file} was changed by validation");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(FixtureFiles.Read(folder, file)), JsonNode.Parse(WorkflowJson.Write(definition))));
    }

    [Fact]
    public void Unknown_activities_are_still_written_out_after_validation()
    {
        var definition = Parse("http-hello-world.json");
        var endpoint = definition.Root!["activities"]![0]!.DeepClone();

        Validator.Validate(definition, "http-hello-world.json");
        var written = JsonNode.Parse(WorkflowJson.Write(definition))!;

        Assert.True(JsonNode.DeepEquals(endpoint, written["root"]!["activities"]![0]));
        Assert.Equal("Elsa.HttpEndpoint", (string?)written["root"]!["activities"]![0]!["type"]);
    }

    public static TheoryData<string, string> ElsaCoreFiles => FixtureFiles.In(FixtureFiles.ElsaCore);

    private static WorkflowDefinition Parse(string file) => WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.ElsaCore, file), file);
}
