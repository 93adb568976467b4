using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Rules.Pipeline;
using Automation.Workflows.Runtime;

namespace Automation.Server.Studio;

/// The pages under /studio: the pipeline overview, the designer for one workflow, and creating a status workflow.
public static partial class StudioPages
{
    public static IEndpointRouteBuilder MapStudioPages(this IEndpointRouteBuilder app)
    {
        var studio = app.MapGroup(StudioFiles.BasePath).WithTags("Elsa Studio").ExcludeFromDescription();
        studio.MapGet("/", StartAsync);
        studio.MapGet("/edit/{definitionId}", EditAsync);
        studio.MapPost("/statuses", CreateStatusAsync).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext http, StudioAccess access, PipelineOverview overview, StudioFiles files, string? message, CancellationToken ct)
    {
        if (Guard(http, access) is { } denied) return denied;
        return TypedResults.Content(StudioHtml.Start(await overview.ReadAsync(ct), files.IsAvailable, message), "text/html; charset=utf-8");
    }

    private static async Task<IResult> EditAsync(
        string definitionId, HttpContext http, StudioAccess access, StudioWorkflows workflows, StudioFiles files, CancellationToken ct)
    {
        if (Guard(http, access) is { } denied) return denied;
        if (!files.IsAvailable) return TypedResults.Redirect($"{StudioFiles.BasePath}/");
        if (await workflows.FindAsync(definitionId, VersionOptions.Latest, ct) is not { } latest)
            return TypedResults.Redirect($"{StudioFiles.BasePath}/?message={Uri.EscapeDataString($"There is no workflow '{definitionId}'.")}");
        var request = http.Request;
        var endpoint = $"{request.Scheme}://{request.Host}{request.PathBase}/elsa/api";
        return TypedResults.Content(StudioHtml.Editor(definitionId, latest.Name ?? definitionId, endpoint, access.ApiKey), "text/html; charset=utf-8");
    }

    private static async Task<IResult> CreateStatusAsync(HttpContext http, StudioAccess access, StudioWorkflows workflows, OrderPipeline pipeline, CancellationToken ct)
    {
        if (Guard(http, access) is { } denied) return denied;
        var form = await http.Request.ReadFormAsync(ct);
        var code = form["code"].ToString().Trim();
        var name = form["name"].ToString().Trim();
        var semantics = form["semantics"].ToString() is "success" or "failure" ? form["semantics"].ToString() : "process";
        string? problem = null;
        if (!StatusCode().IsMatch(code)) problem = "The status code must be lower-case letters, digits, '-' or '_'.";
        else if (name.Length == 0) problem = "The status needs a name.";
        else if (!int.TryParse(form["sort"], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) problem = "Sort must be a whole number.";
        else if ((await pipeline.ListStatusesAsync(ct)).Any(s => s.Code == code) || await workflows.FindAsync(code, VersionOptions.AllVersions, ct) is not null)
            problem = $"A status or workflow '{code}' exists already.";
        if (problem is not null) return TypedResults.Redirect($"{StudioFiles.BasePath}/?message={Uri.EscapeDataString(problem)}");

        var sort = int.Parse(form["sort"]!, CultureInfo.InvariantCulture);
        await workflows.SaveAsync(NewStatusWorkflow(code, name, sort, semantics), publish: false, ct);
        return TypedResults.Redirect($"{StudioFiles.BasePath}/edit/{Uri.EscapeDataString(code)}");
    }

    /// A status workflow with only its Start: the rules are added in the designer; it goes live when published.
    public static JsonObject NewStatusWorkflow(string code, string name, int sort, string semantics) => new()
    {
        ["definitionId"] = code,
        ["name"] = name,
        ["toolVersion"] = "3.8.0",
        ["customProperties"] = new JsonObject
        {
            ["orderStatus"] = new JsonObject { ["code"] = code, ["name"] = name, ["sort"] = sort, ["semantics"] = semantics },
        },
        ["variables"] = new JsonArray(),
        ["inputs"] = new JsonArray(),
        ["outputs"] = new JsonArray(),
        ["outcomes"] = new JsonArray(),
        ["options"] = new JsonObject { ["autoUpdateConsumingWorkflows"] = false },
        ["root"] = new JsonObject
        {
            ["id"] = "flow",
            ["nodeId"] = "Workflow1:flow",
            ["name"] = "Flowchart1",
            ["type"] = "Elsa.Flowchart",
            ["version"] = 1,
            ["customProperties"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["activities"] = new JsonArray(new JsonObject
            {
                ["id"] = "start",
                ["nodeId"] = "Workflow1:flow:start",
                ["name"] = "Start",
                ["type"] = "Elsa.Start",
                ["version"] = 1,
                ["customProperties"] = new JsonObject(),
                ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 } } },
            }),
            ["connections"] = new JsonArray(),
        },
    };

    private static IResult? Guard(HttpContext http, StudioAccess access)
    {
        if (access.RememberFromQuery(http) is { } redirect) return redirect;
        if (access.Allows(http.Request)) return null;
        var wrong = http.Request.Query.ContainsKey("apiKey");
        return TypedResults.Content(StudioHtml.SignIn(wrong), "text/html; charset=utf-8", statusCode: 401);
    }

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex StatusCode();
}
