using Automation.Server.Hosting;

namespace Automation.Server.Api;

/// Requires the API key (`Authorization: ApiKey <key>` or `X-Api-Key: <key>`) on a route group.
public sealed class ApiKeyFilter(ServiceSecrets secrets) : IEndpointFilter
{
    public const string Scheme = "ApiKey";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = KeyOf(context.HttpContext.Request);
        if (given is null)
            return ValueTask.FromResult<object?>(Unauthorized("The request carries no API key: send 'Authorization: ApiKey <key>' or 'X-Api-Key: <key>'."));
        if (!ServiceSecrets.SameSecret(given, secrets.ApiKey))
            return ValueTask.FromResult<object?>(Unauthorized("The API key is wrong."));
        return next(context);
    }

    private static string? KeyOf(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"].ToString() is { Length: > 0 } header) return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase) ? authorization[(Scheme.Length + 1)..].Trim() : null;
    }

    private static IResult Unauthorized(string detail)
    {
        var problem = Problems.Problem(401, "Unauthorized", detail, "unauthorized");
        return TypedResults.Problem(problem);
    }
}
