using System.Text.Json;
using Automation.Orders;
using Automation.Workflows.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Server.Api;

/// Turns what a caller got wrong into RFC 7807 problem details naming the field at fault; anything else is a 500
/// without a stack trace.
public static partial class Problems
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
        StartActivityNotFoundException e => Problem(400, "Invalid request", e.Message, "start_activity_not_found"),
        _ => Problem(500, "Internal error", "The server failed to handle the request; the error is in its log.", "internal_error"),
    };

    public static ProblemDetails Problem(int status, string title, string detail, string code) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = $"https://automation.local/problems/{code}",
        Extensions = { ["code"] = code },
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

    /// The reader's message without .NET type names: "The value at $.amount is not a number (line 0, position 37)."
    private static string DescribeJson(JsonException json)
    {
        var wrongType = WrongType().Match(json.Message);
        if (wrongType.Success && json.Path is { } path)
            return $"The value at {path} is not {Expected(JsonPathTypes.Resolve(wrongType.Groups[1].Value, path))} (line {json.LineNumber}, position {json.BytePositionInLine}).";
        return json.Path is { Length: > 0 } at && !json.Message.Contains("Path:", StringComparison.Ordinal) ? $"{json.Message} (at {at})" : json.Message;
    }

    private static string Expected(Type? type)
    {
        if (type is null) return "of the expected type";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Expected(underlying) + " or null";
        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return "a date and time (ISO 8601)";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type));
        return typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "an array" : "an object";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"could not be converted to ([^ ]+?)\. Path:")]
    private static partial System.Text.RegularExpressions.Regex WrongType();
}
