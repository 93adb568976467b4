using Automation.Server.Hosting;

namespace Automation.Server.Studio;

/// The API key for the Studio pages: given once as `?apiKey=` (the sign-in form sends it so) it is kept in a cookie
/// for /studio; requests may also carry it as the API does. The page hands it to the editor element.
public sealed class StudioAccess(ServiceSecrets secrets)
{
    public const string Cookie = "automation-studio-key";

    public bool Allows(HttpRequest request) => KeyOf(request) is { } key && ServiceSecrets.SameSecret(key, secrets.ApiKey);

    public string ApiKey => secrets.ApiKey;

    /// When the key came in the query string: remember it and send the browser to the same page without it in the URL.
    public IResult? RememberFromQuery(HttpContext http)
    {
        if (http.Request.Query["apiKey"].ToString() is not { Length: > 0 } given || !ServiceSecrets.SameSecret(given.Trim(), secrets.ApiKey)) return null;
        http.Response.Cookies.Append(Cookie, given.Trim(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = StudioFiles.BasePath,
            Secure = http.Request.IsHttps,
            IsEssential = true,
        });
        var rest = http.Request.Query.Where(q => !q.Key.Equals("apiKey", StringComparison.OrdinalIgnoreCase))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}");
        var query = string.Join("&", rest);
        return TypedResults.Redirect(http.Request.PathBase + http.Request.Path + (query.Length > 0 ? "?" + query : ""));
    }

    private static string? KeyOf(HttpRequest request)
    {
        if (request.Query["apiKey"].ToString() is { Length: > 0 } query) return query.Trim();
        if (request.Cookies[Cookie] is { Length: > 0 } cookie) return cookie;
        if (request.Headers["X-Api-Key"].ToString() is { Length: > 0 } header) return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(Api.ApiKeyFilter.Scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? authorization[(Api.ApiKeyFilter.Scheme.Length + 1)..].Trim()
            : null;
    }
}
