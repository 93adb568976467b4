using System.Text.Json.Nodes;
using Automation.Workflows.Model;

namespace Automation.Workflows.Tests.Json;

public sealed class RoundTripTests
{
    public static TheoryData<string, string> AllFixtures => FixtureFiles.In(FixtureFiles.Ours, FixtureFiles.ElsaCore);
    public static TheoryData<string, string> OurFixtures => FixtureFiles.In(FixtureFiles.Ours);

    [Fact]
    public void The_fixture_folders_hold_our_files_and_at_least_three_real_elsa_exports()
    {
        Assert.True(OurFixtures.Count >= 4, $"only {OurFixtures.Count} fixtures of our own");
        Assert.True(FixtureFiles.In(FixtureFiles.ElsaCore).Count >= 3, "fewer than three real elsa-core files");
        Assert.True(File.Exists(Path.Combine(FixtureFiles.Directory(FixtureFiles.ElsaCore), "LICENSE-elsa-core.txt")));
    }

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void Writing_a_parsed_file_gives_back_the_same_json(string folder, string file)
    {
        var text = FixtureFiles.Read(folder, file);

        var written = WorkflowJson.Write(WorkflowJson.Parse(text, file));

        var original = JsonNode.Parse(text);
        var reread = JsonNode.Parse(written);
        Assert.True(JsonNode.DeepEquals(original, reread), $"{folder}/{file} changed on a round trip:\n{written}");
    }

    [Theory]
    [MemberData(nameof(OurFixtures))]
    public void Files_in_our_format_are_written_back_byte_for_byte(string folder, string file)
    {
        var text = FixtureFiles.Read(folder, file);

        Assert.Equal(text, WorkflowJson.Write(WorkflowJson.Parse(text, file)));
    }

    [Fact]
    public void Writing_twice_gives_the_same_text_for_real_elsa_exports()
    {
        foreach (var file in Directory.GetFiles(FixtureFiles.Directory(FixtureFiles.ElsaCore), "*.json"))
        {
            var once = WorkflowJson.Write(WorkflowJson.Parse(File.ReadAllText(file), file));
            Assert.Equal(once, WorkflowJson.Write(WorkflowJson.Parse(once, file)));
        }
    }

    [Fact]
    public void Unknown_properties_survive_at_every_level()
    {
        var definition = WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.Ours, "unknown-properties.json"));

        var document = JsonNode.Parse(WorkflowJson.Write(definition))!;

        Assert.Equal("Åse Ødegård", (string?)document["x-reviewedBy"]!["name"]);
        Assert.Equal("1.5e+300", document["futureNumber"]!.ToJsonString());
        Assert.True(((JsonObject)document).ContainsKey("futureNull"));
        Assert.Equal("P30D", (string?)document["options"]!["x-retention"]);
        Assert.Equal("три", (string?)document["customProperties"]!["vendor"]!["nested"]!["deeper"]![4]);
        Assert.Equal("publish", (string?)document["links"]![0]!["rel"]);
        var root = document["root"]!;
        Assert.Equal("left-to-right", (string?)root["x-layout"]);
        Assert.Equal(0.75, (double)root["metadata"]!["designer"]!["zoom"]!);
        var activity = root["activities"]![0]!;
        Assert.Equal("Ørjan", (string?)activity["x-owner"]);
        Assert.Equal("plain", (string?)activity["text"]!["expression"]!["x-hint"]);
        Assert.Equal("local", (string?)activity["text"]!["memoryReference"]!["x-scope"]);
        Assert.Equal("#ffcc00", (string?)activity["metadata"]!["x-color"]);
        Assert.Equal("kept", (string?)root["activities"]![1]!["unknownInput"]!["expression"]!["value"]);
        var connection = root["connections"]![0]!;
        Assert.Equal("then", (string?)connection["x-label"]);
        Assert.Equal("right", (string?)connection["source"]!["x-side"]);
    }

    [Fact]
    public void Non_ascii_text_is_written_as_readable_utf8()
    {
        var written = WorkflowJson.Write(WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.Ours, "order-paid.json")));

        Assert.Contains("\"name\": \"Заказ оплачен\"", written);
        Assert.Contains("ÆØÅ æøå", written);
        Assert.Contains("«Заказ оплачен»", written);
        Assert.DoesNotContain("\\u", written);
    }

    [Fact]
    public void Escaped_characters_in_an_elsa_export_are_read_as_the_characters()
    {
        var text = FixtureFiles.Read(FixtureFiles.ElsaCore, "fork-decision-join-waitall.json");
        Assert.Contains("\\u002B00:00", text);

        var written = WorkflowJson.Write(WorkflowJson.Parse(text));

        Assert.Contains("\"createdAt\": \"2025-09-30T17:19:02.380015+00:00\"", written);
    }

    [Fact]
    public void A_malformed_file_names_the_file_line_and_position()
    {
        const string text = "{\n  \"definitionId\": \"x\",\n  \"root\": { \"type\": \"Elsa.Flowchart\" ]\n}\n";

        var e = Assert.Throws<WorkflowFormatException>(() => WorkflowJson.Parse(text, "broken.json"));

        Assert.Equal("broken.json", e.File);
        Assert.StartsWith("malformed JSON at line 3, position 38: ", e.Problem);
        Assert.DoesNotContain("LineNumber", e.Problem);
    }
}
