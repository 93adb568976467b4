using System.Text.Json.Nodes;

namespace Automation.Bench.Http;

/// The pipeline the benchmark drives: `new` (no rules) and `paid`, entered by the Payment trigger, whose three rules
/// (a comment, a log line and a generated code) run side by side and commit with the move.
public static class BenchWorkflows
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["new"] = Status("new", 100, []),
        ["paid"] = Status("paid", 200,
        [
            Activity("payment", "Automation.PaymentTrigger"),
            Activity("comment", "Automation.AddComment", ("text", "Payment received for {{ Order.Number }}")),
            Activity("log", "Automation.WriteToLog", ("text", "Preparing {{ Order.Number }}")),
            Activity("code", "Automation.GenerateCode", ("template", "PAID-{{counter:000000}}")),
        ], "comment", "log", "code"),
    };

    private static string Status(string code, int sort, JsonObject[] activities, params string[] fromStart)
    {
        var list = new JsonArray { new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 } };
        foreach (var a in activities) list.Add(a);
        var connections = new JsonArray();
        foreach (var target in fromStart)
            connections.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = "start", ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
            });
        return new JsonObject
        {
            ["id"] = code + "-1",
            ["definitionId"] = code,
            ["name"] = code,
            ["version"] = 1,
            ["customProperties"] = new JsonObject { ["orderStatus"] = new JsonObject { ["code"] = code, ["name"] = code, ["sort"] = sort, ["semantics"] = "process" } },
            ["root"] = new JsonObject { ["id"] = "flow", ["type"] = "Elsa.Flowchart", ["version"] = 1, ["activities"] = list, ["connections"] = connections },
        }.ToJsonString();
    }

    private static JsonObject Activity(string id, string type, params (string Name, string Template)[] inputs)
    {
        var activity = new JsonObject { ["id"] = id, ["type"] = type, ["version"] = 1 };
        foreach (var (name, template) in inputs)
            activity[name] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = template } };
        return activity;
    }
}
