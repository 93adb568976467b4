using Automation.Channels.Calls;
using Automation.Channels.Mail;
using Automation.Channels.MailListener;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Channels.Providers;
using Automation.Orders;
using Automation.Orders.Events;
using Automation.Server.Channels;
using Automation.Server.Hosting;

namespace Automation.Server.Api;

/// What providers call back: Twilio's delivery and call status callbacks (`POST /hooks/twilio/sms|calls`, signed with
/// the account's token), and mail providers' inbound webhooks (`POST /api/inbound-email`, the raw RFC 822 message).
public static class ChannelHooksApi
{
    public const string TwilioSignatureHeader = "X-Twilio-Signature";
    public const string CallbackSignatureHeader = "X-Callback-Signature";

    public static IEndpointRouteBuilder MapTwilioHooksApi(this IEndpointRouteBuilder app)
    {
        var twilio = app.MapGroup("/hooks/twilio").WithTags("Webhooks").DisableAntiforgery();
        twilio.MapPost("/sms", (HttpRequest request, TwilioCallbacks accounts, Func<ChannelsDb> openDb, ChannelEvents events, OrderMessageObserver calls,
            CancellationToken ct) => StatusAsync(request, accounts.Sms, OutboxChannels.Sms, openDb, events, calls, ct));
        twilio.MapPost("/calls", (HttpRequest request, TwilioCallbacks accounts, Func<ChannelsDb> openDb, ChannelEvents events, OrderMessageObserver calls,
            CancellationToken ct) => StatusAsync(request, accounts.Calls, OutboxChannels.Call, openDb, events, calls, ct));
        app.MapPost("/hooks/calls/result", HttpCallResultAsync).WithTags("Webhooks");
        return app;
    }

    public static RouteGroupBuilder MapInboundEmailApi(this RouteGroupBuilder api)
    {
        api.MapPost("/inbound-email", ReceiveEmailAsync).WithTags("Events");
        return api;
    }

    public sealed record InboundEmailReply(long Id);

    private static async Task<IResult> StatusAsync(HttpRequest request, TwilioOptions? account, string channel, Func<ChannelsDb> openDb,
        ChannelEvents events, OrderMessageObserver calls, CancellationToken ct)
    {
        if (account is null)
            return Problems.Result(404, "Not configured", $"The {channel} channel does not use Twilio ({(channel == OutboxChannels.Sms ? "Sms" : "Calls")}:Provider).", "twilio_not_configured");
        if (!request.HasFormContentType) return Problems.Result(415, "Form expected", "Twilio posts application/x-www-form-urlencoded.", "twilio_form_expected");
        var form = (await request.ReadFormAsync(ct)).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        // Twilio signs the URL it was given, which behind a proxy is the configured one, not the one we see.
        var url = account.StatusCallbackUrl ?? $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}";
        if (!TwilioStatusCallback.IsSigned(url, form, request.Headers[TwilioSignatureHeader].ToString(), account.AuthToken))
            return Problems.Result(401, "Bad signature", $"{TwilioSignatureHeader} does not match the request.", "twilio_signature_wrong");
        if (TwilioStatusCallback.Parse(form) is not { } status)
            return Problems.Result(400, "Not a status callback", "The form names no MessageSid/CallSid and status.", "twilio_status_missing");
        var error = status.ErrorCode is null ? null : $"{status.ErrorCode} {status.ErrorMessage}".Trim();
        OutboxMessage? message;
        await using (var db = openDb())
            message = await MessageOutbox.RecordProviderStatusAsync(db, status.Sid, status.Status, error, ct);
        if (message?.OrderId is not { } orderId) return TypedResults.NoContent();
        if (message.Channel == OutboxChannels.Call && CallResults.FromTwilioStatus(status.Status) is { } result)
            await calls.CallEndedAsync(orderId, message.IdempotencyKey, message.Recipient, result, status.Status, ct);
        else if (message.Channel == OutboxChannels.Sms && status.Status is "delivered" or "undelivered" or "failed")
            await events.RaiseAsync(orderId, EventTypes.MessageDelivery, $"{EventTypes.MessageDelivery}:{message.IdempotencyKey}:{status.Status}",
                new { channel = message.Channel, messageId = message.Id, status = status.Status, error },
                timeline => status.Status == "delivered"
                    ? timeline.AddMessageAsync(orderId, $"SMS to {message.Recipient} delivered", new { outboxMessageId = message.Id }, ct)
                    : timeline.AddErrorAsync(orderId, $"SMS to {message.Recipient} not delivered: {error ?? status.Status}", new { outboxMessageId = message.Id }, ct), ct);
        return TypedResults.NoContent();
    }

    /// The generic HTTP voice service's call result: `{callId | idempotencyKey, status, error?}` signed with
    /// `X-Callback-Signature: sha256=<hex HMAC-SHA256 of the body>` under Calls:Http:CallbackSecret.
    public sealed record CallResultReport(string? CallId, string? IdempotencyKey, string? Status, string? Error);

    private static async Task<IResult> HttpCallResultAsync(HttpRequest request, HttpCallCallbacks callbacks, Func<ChannelsDb> openDb,
        OrderMessageObserver calls, CancellationToken ct)
    {
        if (callbacks.Secret is not { } secret)
            return Problems.Result(404, "Not configured", "Calls do not go through the HTTP voice service with a Calls:Http:CallbackSecret.", "call_callback_not_configured");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), body));
        var given = request.Headers[CallbackSignatureHeader].ToString().Trim().ToLowerInvariant();
        if (given.Length == 0 || !ServiceSecrets.SameSecret(given, expected))
            return Problems.Result(401, "Bad signature", $"{CallbackSignatureHeader} is missing or does not match the body (sha256=<hex HMAC-SHA256 of the body>).", "call_callback_signature_wrong");
        var report = System.Text.Json.JsonSerializer.Deserialize<CallResultReport>(body, System.Text.Json.JsonSerializerOptions.Web)
            ?? throw DomainException.Invalid("body", "must be a JSON object {callId, status}");
        if (string.IsNullOrWhiteSpace(report.Status)) throw DomainException.Invalid("status", "is required (answered, busy, no-answer, failed)");
        var result = CallResults.FromHttpStatus(report.Status);
        if (result is null && !CallResults.IsInterim(report.Status))
            throw DomainException.Invalid("status", $"'{report.Status}' is not a call status (answered, busy, no-answer, failed; or queued, ringing, in-progress)");
        OutboxMessage? message;
        await using (var db = openDb())
            message = report switch
            {
                { CallId: { Length: > 0 } callId } => await MessageOutbox.RecordProviderStatusAsync(db, callId, report.Status, report.Error, ct),
                { IdempotencyKey: { Length: > 0 } key } => await MessageOutbox.RecordProviderStatusByKeyAsync(db, key, report.Status, report.Error, ct),
                _ => throw DomainException.Invalid("callId", "or 'idempotencyKey' must name the call"),
            };
        if (message is not { Channel: OutboxChannels.Call })
            return Problems.Result(404, "Call not found", $"No automated call has {(report.CallId is { Length: > 0 } ? $"callId '{report.CallId}'" : $"idempotencyKey '{report.IdempotencyKey}'")}.", "call_not_found");
        if (result is not null && message.OrderId is { } orderId)
            await calls.CallEndedAsync(orderId, message.IdempotencyKey, message.Recipient, result, report.Status, ct);
        return TypedResults.NoContent();
    }

    /// The raw message as the body (`message/rfc822`); `?to=` adds envelope recipients when the provider passes them apart.
    private static async Task<IResult> ReceiveEmailAsync(HttpRequest request, InboundMailStore store, TimeProvider clock, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0) return Problems.Result(400, "Empty message", "The body must be the raw email (RFC 822).", "inbound_email_empty");
        var recipients = request.Query["to"].Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()).ToList();
        var id = await store.AcceptAsync(new ReceivedMail(null, "", recipients, buffer.ToArray(), request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            clock.GetUtcNow()), ct);
        return TypedResults.Accepted((string?)null, new InboundEmailReply(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
