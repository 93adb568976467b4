using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.Studio;

/// The requests Elsa Studio makes, with bodies shaped the way the probe saw them (elsa-contract.md §1.6, §2.2).
public static class StudioCalls
{
    /// A client of the same host without the API key and without following redirects, as a browser first arrives.
    public static HttpClient AnonymousClient(ServiceHost host) =>
        new(((TestServer)host.Services.GetRequiredService<IServer>()).CreateHandler()) { BaseAddress = host.Client.BaseAddress };

    public static async Task<JsonObject> DefinitionAsync(ServiceHost host, string definitionId, string versionOptions = "Latest") =>
        await host.GetAsync($"/elsa/api/workflow-definitions/by-definition-id/{definitionId}?versionOptions={versionOptions}");

    public static Task<HttpResponseMessage> SaveAsync(ServiceHost host, JsonObject definition, bool publish) =>
        host.Client.PostAsJsonAsync("/elsa/api/workflow-definitions", new JsonObject { ["model"] = AsStudioSendsIt(definition), ["publish"] = publish });

    /// Studio's save model: its own key order, every `options` key with nulls, `links` echoed back, and
    /// `memoryReference: null` on wrapped inputs it has shown.
    public static JsonObject AsStudioSendsIt(JsonObject definition)
    {
        string[] order = ["definitionId", "name", "description", "toolVersion", "variables", "inputs", "outputs", "outcomes",
                          "customProperties", "isReadonly", "options", "root", "links", "createdAt", "version", "isLatest", "isPublished", "id"];
        var model = new JsonObject();
        foreach (var key in order) model[key] = definition[key]?.DeepClone();
        var options = model["options"] as JsonObject ?? new JsonObject();
        foreach (var key in new[] { "activationStrategyType", "usableAsActivity", "activityCategory", "incidentStrategyType", "commitStrategyName" })
            options[key] ??= null;
        model["options"] = options;
        foreach (var activity in model["root"]!["activities"]!.AsArray().OfType<JsonObject>())
            foreach (var (_, value) in activity)
                if (value is JsonObject input && input.ContainsKey("expression")) input["memoryReference"] = null;
        return model;
    }

    public static JsonObject Activity(JsonObject definition, string id) =>
        definition["root"]!["activities"]!.AsArray().OfType<JsonObject>().Single(a => a["id"]!.GetValue<string>() == id);

    public static JsonObject LiteralInput(string typeName, JsonNode? value) => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value },
    };
}
