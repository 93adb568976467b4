using System.Text.Json.Nodes;
using Automation.Workflows.Model;

namespace Automation.Workflows.Tests.Json;

public sealed class FlatConnectionTests
{
    [Fact]
    public void Flowchart_reads_the_flat_connection_form_with_default_ports()
    {
        var definition = WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.Ours, "flat-connections.json"));

        var flowchart = Flowchart.Read(definition.Root!);

        Assert.Equal(
            ["start:Done->hello:In", "hello:Done->decide:In", "decide:True->yes:In", "decide:False->end:In"],
            flowchart.Connections.Select(Describe));
        Assert.Equal(["decide"], flowchart.Inbound("yes").Select(c => c.Source.Activity));
    }

    [Fact]
    public void Flowchart_reads_the_flat_form_of_a_real_elsa_export()
    {
        var definition = WorkflowJson.Parse(FixtureFiles.Read(FixtureFiles.ElsaCore, "implicit-loop.json"));

        var flowchart = Flowchart.Read(definition.Root!);

        Assert.Equal(6, flowchart.Connections.Count);
        Assert.Contains("FlowDecision1:False->WriteLine2:In", flowchart.Connections.Select(Describe));
        Assert.Equal(["Start1", "WriteLine2"], flowchart.Inbound("WriteLine1").Select(c => c.Source.Activity).Order());
    }

    [Fact]
    public void Flowchart_reads_the_nested_form_and_pascal_case_keys()
    {
        var root = JsonNode.Parse("""
            { "type": "Elsa.Flowchart", "activities": [ { "id": "a", "type": "Elsa.WriteLine" }, { "id": "b", "type": "Elsa.WriteLine" } ],
              "connections": [ { "source": { "activity": "a" }, "target": { "activity": "b" } },
                               { "Source": "b", "SourcePort": "Done", "Target": "a", "TargetPort": "In" } ] }
            """)!.AsObject();

        var flowchart = Flowchart.Read(root);

        Assert.Equal(["a:Done->b:In", "b:Done->a:In"], flowchart.Connections.Select(Describe));
    }

    private static string Describe(Connection c) => $"{c.Source.Activity}:{c.Source.Port}->{c.Target.Activity}:{c.Target.Port}";
}
