using System.Text.Json.Nodes;
using Automation.Server.Tests.Studio;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.WorkflowFiles;

/// A changed workflow file (a `git pull`) goes live without a restart.
public sealed class WorkflowFileWatcherTests
{
    [Fact]
    public async Task A_file_changed_on_disk_is_published_and_a_removed_file_is_retracted_without_a_restart()
    {
        await using var host = await ServiceHost.StartAsync();
        var file = Path.Combine(host.WorkflowsFolder, "paid.json");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        StudioCalls.Activity(document, "paidComment")["text"]!["expression"]!["value"] = "Pulled from git: {{ Order.Number }}.";
        await File.WriteAllTextAsync(file, document.ToJsonString());

        Assert.True(await EventuallyAsync(async () => (await StudioCalls.DefinitionAsync(host, "paid", "Published"))["version"]!.GetValue<int>() == 2),
            "the changed paid.json was not published");
        var live = await StudioCalls.DefinitionAsync(host, "paid", "Published");
        Assert.Equal("Pulled from git: {{ Order.Number }}.", StudioCalls.Activity(live, "paidComment")["text"]!["expression"]!["value"]!.GetValue<string>());

        File.Delete(Path.Combine(host.WorkflowsFolder, "shipped.json"));
        Assert.True(await EventuallyAsync(async () => !(await host.GetArrayAsync("/api/statuses")).Any(s => s!["code"]!.GetValue<string>() == "shipped")),
            "the removed shipped.json was not retracted");
    }

    // The watcher waits for a burst of changes to settle; a loaded machine may take its time.
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
            if (await condition()) return true;
        return false;
    }
}
