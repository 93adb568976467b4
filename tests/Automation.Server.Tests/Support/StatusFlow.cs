using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Server.Tests.Support;

/// Writes status workflows in Elsa 3 JSON for tests: `Elsa.Start` plus the given activities and connections
/// ("start->a", "a->b"). String inputs are Liquid templates; other values are literals.
public sealed class StatusFlow(string code, int sort, string semantics = "process")
{
    private readonly JsonArray _activities = [new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start", ["version"] = 1 }];
    private readonly JsonArray _connections = [];

    public StatusFlow Add(string id, string type, object? inputs = null)
    {
        var activity = new JsonObject { ["id"] = id, ["name"] = id, ["type"] = type, ["version"] = 1 };
        if (inputs is not null)
            foreach (var (name, value) in JsonSerializer.SerializeToNode(inputs)!.AsObject())
                activity[name] = value is JsonValue v && v.TryGetValue<string>(out var text)
                    ? Input("String", "Liquid", text)
                    : Input("Object", "Literal", value is JsonObject or JsonArray ? value.ToJsonString() : value?.DeepClone());
        _activities.Add(activity);
        return this;
    }

    public StatusFlow Connect(params string[] links)
    {
        foreach (var link in links)
        {
            var (from, to) = (link.Split("->")[0], link.Split("->")[1]);
            _connections.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = from, ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
            });
        }
        return this;
    }

    public string Json() => new JsonObject
    {
        ["id"] = code + "-1",
        ["definitionId"] = code,
        ["name"] = code,
        ["version"] = 1,
        ["customProperties"] = new JsonObject
        {
            ["orderStatus"] = new JsonObject { ["code"] = code, ["name"] = code, ["sort"] = sort, ["semantics"] = semantics },
        },
        ["root"] = new JsonObject
        {
            ["id"] = "flow",
            ["type"] = "Elsa.Flowchart",
            ["version"] = 1,
            ["activities"] = _activities.DeepClone(),
            ["connections"] = _connections.DeepClone(),
        },
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public static implicit operator string(StatusFlow flow) => flow.Json();

    private static JsonObject Input(string typeName, string expressionType, JsonNode? value) => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = expressionType, ["value"] = value },
    };
}
