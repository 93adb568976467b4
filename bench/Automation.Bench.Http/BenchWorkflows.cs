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
            Activity("comment", "Automation.AddComment", Liquid("text", "Payment received for {{ Order.Number }}")),
            Activity("log", "Automation.WriteToLog", Liquid("text", "Preparing {{ Order.Number }}")),
            // A Literal: the rule fills its own placeholders, and draws the counter in the payment's transaction.
            Activity("code", "Automation.GenerateCode", Literal("template", "PAID-{{counter:000000}}")),
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

    private static JsonObject Activity(string id, string type, params (string Name, string Syntax, string Text)[] inputs)
    {
        var activity = new JsonObject { ["id"] = id, ["type"] = type, ["version"] = 1 };
        foreach (var (name, syntax, text) in inputs)
            activity[name] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = syntax, ["value"] = text } };
        return activity;
    }

    private static (string, string, string) Liquid(string name, string template) => (name, "Liquid", template);

    private static (string, string, string) Literal(string name, string text) => (name, "Literal", text);
}
