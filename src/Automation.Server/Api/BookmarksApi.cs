using System.Text.Json.Nodes;
using Automation.Workflows.Runtime;

namespace Automation.Server.Api;

/// Resumes a waiting workflow from outside by its bookmark token (the token is what a workflow hands out in a URL).
public static class BookmarksApi
{
    public static RouteGroupBuilder MapBookmarksApi(this RouteGroupBuilder api)
    {
        api.MapPost("/bookmarks/{token}/resume", ResumeAsync).WithTags("Bookmarks");
        return api;
    }

    public sealed record ResumeResult(string InstanceId, string Status, int Faults);

    private static async Task<IResult> ResumeAsync(string token, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        JsonNode? input = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            input = await request.ReadFromJsonAsync<JsonNode>(ct);
        var result = await engine.ResumeAsync(token, input, ct);
        return result is null
            ? Problems.Result(404, "Bookmark not found", $"Nothing waits on bookmark '{token}': it was resumed already, cancelled with its status, or never existed.", "bookmark_not_found")
            : TypedResults.Ok(new ResumeResult(result.InstanceId, result.Status.ToString(), result.Faults));
    }
}
