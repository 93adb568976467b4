using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Orders;
using Automation.Orders.Events;
using Automation.Rules.Triggers;
using Automation.Server.Events;
using Automation.Server.Hosting;
using Automation.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Api;

/// The Webhook trigger's endpoint, Bitrix24-compatible: `GET|POST /hooks/{secret}?target=ORDER_{id}&code={code}`.
/// When Webhooks:SigningKey is set, a call must carry `X-Webhook-Signature: sha256=<hex HMAC-SHA256>` of its body
/// (of its query string without '?' when it has no body).
public static class WebhooksApi
{
    public const string SignatureHeader = "X-Webhook-Signature";
    private const string TargetPrefix = "ORDER_";

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/hooks/{secret}", ["GET", "POST"], CallAsync).WithTags("Webhooks");
        return app;
    }

    /// Behind the API key: `POST /api/webhooks/secret/rotate` replaces the secret in the webhook URLs.
    public static RouteGroupBuilder MapWebhookSecretApi(this RouteGroupBuilder api)
    {
        api.MapPost("/webhooks/secret/rotate", RotateAsync).WithTags("Webhooks");
        return api;
    }

    public sealed record RotatedSecret(string Secret, string Url, DateTimeOffset RotatedAt);

    private static async Task<Ok<RotatedSecret>> RotateAsync(HttpRequest request, WebhookSecrets webhookSecrets, CancellationToken ct)
    {
        var rotated = await webhookSecrets.RotateAsync(ct);
        var url = $"{request.Scheme}://{request.Host}/hooks/{rotated.Value}?target=ORDER_{{id}}&code={{code}}";
        return TypedResults.Ok(new RotatedSecret(rotated.Value, url, rotated.ChangedAt));
    }

    public sealed record HookReply(bool Result, long EventId, bool AlreadyReceived, bool? Moved, string? From, string? To, string? Reason);

    private static async Task<IResult> CallAsync(
        string secret, HttpRequest request, ServiceSecrets secrets, WebhookSecrets webhookSecrets, WorkflowDefinitions definitions, EventIntake intake,
        StoreAccess store, CancellationToken ct)
    {
        if (!ServiceSecrets.SameSecret(secret, await webhookSecrets.CurrentAsync(ct)))
            return Problems.Result(403, "Forbidden", "The webhook secret in the URL is wrong.", "webhook_secret_wrong");
        var body = await ReadBodyAsync(request, ct);
        if (secrets.SigningKey is { } key && Unsigned(request, body, key) is { } signatureProblem)
            return Problems.Result(401, "Bad signature", signatureProblem, "webhook_signature_wrong");
        var orderId = ParseTarget(request.Query["target"].ToString());
        var code = request.Query["code"].ToString().Trim();
        if (await WebhookCodes.PublishedAsync(definitions, ct) is { } codes && code.Length > 0 && !codes.Contains(code))
            return Problems.Result(404, "Unknown webhook code",
                $"No published Webhook trigger has code '{code}' (known: {(codes.Count == 0 ? "none" : string.Join(", ", codes.Order()))}).", "webhook_code_unknown");
        if (!await store.ReadAsync(db => db.Orders.AnyAsync(o => o.Id == orderId, ct), ct)) throw DomainException.OrderNotFound(orderId);

        var data = new JsonObject { ["code"] = code, ["params"] = Params(request), ["body"] = ParseBody(request, body) };
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : null;
        var received = await intake.ReceiveAsync(new InboxEvent
        {
            Type = EventTypes.Webhook,
            OrderId = orderId,
            Data = data.ToJsonString(),
            IdempotencyKey = idempotencyKey is null ? null : "hook:" + idempotencyKey,
        }, ct);
        if (received.Dropped is not null) return await EventsApi.ReplyAsync(received, store, ct);
        var outcome = received.Outcome;
        return TypedResults.Ok(new HookReply(true, received.Event.Id, received.AlreadyReceived, outcome?.Moved, outcome?.From, outcome?.To,
            outcome?.Reason ?? received.Event.Outcome));
    }

    private static long ParseTarget(string target) =>
        target.StartsWith(TargetPrefix, StringComparison.OrdinalIgnoreCase)
        && long.TryParse(target.AsSpan(TargetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw DomainException.Invalid("target", $"must be ORDER_<order id>, got '{target}'");

    private static string? Unsigned(HttpRequest request, byte[] body, string key)
    {
        var given = request.Headers[SignatureHeader].ToString();
        if (given.Length == 0) return $"The call carries no {SignatureHeader} header (sha256=<hex HMAC-SHA256 of the body>).";
        var signed = body.Length > 0 ? body : Encoding.UTF8.GetBytes(request.QueryString.Value?.TrimStart('?') ?? "");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), signed));
        return ServiceSecrets.SameSecret(given.Trim().ToLowerInvariant(), expected) ? null : $"The {SignatureHeader} header does not match the body.";
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static JsonObject Params(HttpRequest request)
    {
        var result = new JsonObject();
        foreach (var (name, value) in request.Query)
            if (name is not ("target" or "code")) result[name] = value.ToString();
        return result;
    }

    private static JsonNode? ParseBody(HttpRequest request, byte[] body)
    {
        if (body.Length == 0) return null;
        var text = Encoding.UTF8.GetString(body);
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException error)
            {
                throw new BadHttpRequestException($"The webhook body is not valid JSON: {error.Message}", error);
            }
        }
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = new JsonObject();
            foreach (var (name, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text)) form[name] = value.ToString();
            return form;
        }
        return text;
    }
}
