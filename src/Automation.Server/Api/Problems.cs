using System.Text.Json;
using Automation.Orders;
using Automation.Workflows.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Api;

/// Turns what a caller got wrong into RFC 7807 problem details naming the field at fault; anything else is a 500
/// without a stack trace.
public static class Problems
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails();
        // Binding failures (malformed JSON, a missing body) throw, so the handler below can say what was wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteAsync, StatusCodeSelector = _ => 500 });

    private static async Task WriteAsync(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problem = For(error);
        http.Response.StatusCode = problem.Status ?? 500;
        if (problem.Status >= 500)
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Automation.Server.Api")
                .LogError(error, "Request {Method} {Path} failed", http.Request.Method, http.Request.Path);
        await TypedResults.Problem(problem).ExecuteAsync(http);
    }

    /// The problem a failure means for the caller.
    public static ProblemDetails For(Exception? error) => error switch
    {
        DomainException e => Problem(StatusOf(e.Code), TitleOf(e.Code), e.Message, e.Code),
        BadHttpRequestException { StatusCode: 413 } e => Problem(413, "Payload too large", e.Message, "payload_too_large"),
        BadHttpRequestException { InnerException: JsonException json } => Problem(400, "Malformed JSON", DescribeJson(json), "malformed_json"),
        BadHttpRequestException e => Problem(e.StatusCode, "Bad request", e.InnerException?.Message ?? e.Message, "bad_request"),
        JsonException json => Problem(400, "Malformed JSON", DescribeJson(json), "malformed_json"),
        WorkflowNotFoundException e => Problem(404, "Workflow not found", e.Message, "workflow_not_found"),
        _ => Problem(500, "Internal error", "The server failed to handle the request; the error is in its log.", "internal_error"),
    };

    public static ProblemDetails Problem(int status, string title, string detail, string code) => new()
    {
        Status = status, Title = title, Detail = detail, Type = $"https://automation.local/problems/{code}", Extensions = { ["code"] = code },
    };

    public static IResult Result(int status, string title, string detail, string code) =>
        TypedResults.Problem(Problem(status, title, detail, code));

    private static int StatusOf(string code) => code switch
    {
        _ when code.EndsWith("_not_found", StringComparison.Ordinal) => 404,
        "order_canceled" or "order_already_canceled" => 409,
        _ => 400,
    };

    private static string TitleOf(string code) => code switch
    {
        _ when code.EndsWith("_not_found", StringComparison.Ordinal) => "Not found",
        "order_canceled" or "order_already_canceled" => "Conflict with the order's state",
        _ => "Invalid request",
    };

    private static string DescribeJson(JsonException json) =>
        json.Path is { Length: > 0 } path && !json.Message.Contains("Path:", StringComparison.Ordinal)
            ? $"{json.Message} (at {path})"
            : json.Message;
}
