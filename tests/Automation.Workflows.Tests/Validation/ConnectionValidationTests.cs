using static Automation.Workflows.Tests.Validation.Validating;

namespace Automation.Workflows.Tests.Validation;

public sealed class ConnectionValidationTests
{
    private static readonly string TwoLines = $"[ {WriteLine("a")}, {WriteLine("b")} ]";

    [Fact]
    public void A_connection_to_a_missing_activity_is_reported_at_its_target()
    {
        var errors = Errors(TwoLines, $"[ {Link("a", "b")}, {Link("a", "ghost")} ]");

        Single(errors, "a", "$.root.connections[1].target.activity", "goes to 'ghost', which is not an activity of this flowchart");
    }

    [Fact]
    public void A_connection_from_a_missing_activity_is_reported_at_its_source()
    {
        var errors = Errors(TwoLines, $"[ {Link("ghost", "b")} ]");

        Single(errors, "b", "$.root.connections[0].source.activity", "comes from 'ghost', which is not an activity of this flowchart");
    }

    [Fact]
    public void Dangling_flat_connections_are_reported_at_their_flat_properties()
    {
        var errors = Errors(TwoLines, """[ { "source": "a", "sourcePort": "Done", "target": "nowhere", "targetPort": "In" }, { "source": "", "target": "b" } ]""");

        Assert.Collection(errors,
            e => Assert.Equal(("a", "$.root.connections[0].target"), (e.ActivityId, e.JsonPath)),
            e => Assert.Equal(("b", "$.root.connections[1].source", "the connection has no source activity"), (e.ActivityId, e.JsonPath, e.Message)));
    }

    [Fact]
    public void A_connection_without_source_and_target_is_reported()
    {
        Single(Errors(TwoLines, """[ { "from": "a", "to": "b" } ]"""), null, "$.root.connections[0]", "a connection needs a source and a target");
    }

    [Fact]
    public void A_connection_from_a_port_the_activity_does_not_have_lists_its_ports()
    {
        var errors = Errors(TwoLines, $"[ {Link("a", "b", "True")} ]");

        Single(errors, "a", "$.root.connections[0].source.port", "'a' (Elsa.WriteLine) has no port 'True'; its ports are 'Done'");
    }

    [Fact]
    public void Declared_outcomes_are_ports()
    {
        var activities = $$"""[ { "id": "d", "type": "Elsa.FlowDecision", "version": 1, "condition": { "typeName": "Boolean", "expression": { "type": "Literal", "value": true } } }, {{WriteLine("a")}}, {{WriteLine("b")}} ]""";

        Assert.Empty(Errors(activities, $"[ {Link("d", "a", "True")}, {Link("d", "b", "False")} ]"));
        Single(Errors(activities, $"[ {Link("d", "a", "Done")} ]"), "d", "$.root.connections[0].source.port", "its ports are 'True', 'False'");
    }

    [Theory]
    [InlineData("200")]
    [InlineData("404")]
    [InlineData("Done")]
    [InlineData("Unmatched status code")]
    [InlineData("Failed to connect")]
    [InlineData("Timeout")]
    public void An_http_request_accepts_any_status_code_port(string port)
    {
        var errors = Errors($"[ {HttpRequest}, {WriteLine("b")} ]", $"[ {Link("h", "b", port)} ]");

        Assert.Empty(errors);
    }

    [Fact]
    public void An_http_request_rejects_a_port_that_is_neither_declared_nor_a_status_code()
    {
        var errors = Errors($"[ {HttpRequest}, {WriteLine("b")} ]", $"[ {Link("h", "b", "OK")} ]");

        Single(errors, "h", "$.root.connections[0].source.port", "plus one per expected status code");
    }

    [Fact]
    public void Ports_of_an_unknown_activity_type_are_not_checked()
    {
        var errors = Errors($"[ {Activity("x", "Acme.SendInvoice")}, {WriteLine("b")} ]", $"[ {Link("x", "b", "Sent")} ]");

        Single(errors, "x", "$.root.activities[0].type", "unknown activity type 'Acme.SendInvoice'");
    }

    [Fact]
    public void An_end_activity_has_no_outbound_port()
    {
        var errors = Errors($"[ {Activity("end", "Elsa.End")}, {WriteLine("b")} ]", $"[ {Link("end", "b")} ]");

        Single(errors, "end", "$.root.connections[0].source.port", "it has no outbound ports");
    }

    [Fact]
    public void Nothing_may_connect_into_a_start_activity()
    {
        var errors = Errors($"[ {Activity("start", "Elsa.Start")}, {WriteLine("a")} ]", $"[ {Link("start", "a")}, {Link("a", "start")} ]");

        Single(errors, "start", "$.root.connections[1].target.activity", "has no inbound port; nothing may connect into it");
    }

    private const string HttpRequest =
        """{ "id": "h", "type": "Elsa.SendHttpRequest", "version": 1, "url": { "typeName": "String", "expression": { "type": "Literal", "value": "https://example.com" } } }""";
}
