using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Automation.Workflows.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Studio;

/// JSON as Elsa Studio reads it (elsa-contract.md §0): camelCase names, PascalCase enum strings, nulls left out.
public static class ElsaJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok<T>(T value) => TypedResults.Json(value, Options);

    public static IResult List<T>(IReadOnlyList<T> items) => Ok(new ListResponse<T>(items, items.Count));

    /// Validation failures the way Studio shows them: 400 problem+json whose `errors` map a JSON path to its messages.
    public static IResult ValidationProblem(string detail, IReadOnlyList<ValidationError> errors)
    {
        var byPath = errors.GroupBy(e => e.JsonPath, StringComparer.Ordinal).ToDictionary(
            g => g.Key, g => g.Select(e => e.ActivityId is null ? $"{e.File}: {e.Message}" : $"{e.File}: activity '{e.ActivityId}': {e.Message}").ToArray());
        var problem = new ValidationProblemDetails(byPath)
        {
            Status = 400,
            Title = "The workflow is invalid",
            Detail = detail,
            Type = "https://automation.local/problems/invalid_workflow",
            Extensions = { ["code"] = "invalid_workflow" },
        };
        return TypedResults.Problem(problem);
    }

    public static IResult NotFound(string what) =>
        Api.Problems.Result(404, "Not found", what, "workflow_not_found");
}

/// Elsa's `ListResponse`: items and their count.
public sealed record ListResponse<T>(IReadOnlyList<T> Items, int Count);

/// Elsa's `PagedListResponse`: one page of items, the total without paging, and list-level links.
public sealed record PagedListResponse<T>(IReadOnlyList<T> Items, long TotalCount, IReadOnlyList<ElsaLink> Links);

/// A HATEOAS link; Studio makes the editor editable when a definition carries `rel: "publish"`.
public sealed record ElsaLink(string Href, string Rel, string Method);
