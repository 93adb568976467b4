using Automation.Channels.Persistence;
using Automation.Channels.Tracking;
using Automation.Orders.Events;
using Automation.Server.Channels;

namespace Automation.Server.Api;

/// The email tracking endpoints, public (the client's mail program calls them): a tracked link redirects to its URL and
/// fires "Email link clicked"; the open pixel fires "Email viewed". Each link and each email raises its event once.
public static class TrackingApi
{
    public static IEndpointRouteBuilder MapTrackingApi(this IEndpointRouteBuilder app)
    {
        var tracking = app.MapGroup("/t").WithTags("Tracking").ExcludeFromDescription();
        tracking.MapGet("/c/{token}", ClickAsync);
        tracking.MapGet("/o/{token}.gif", OpenAsync);
        return app;
    }

    private static async Task<IResult> ClickAsync(string token, Func<ChannelsDb> openDb, ChannelEvents events, TimeProvider clock, CancellationToken ct)
    {
        if (await HitAsync(token, openDb, clock, ct) is not { Kind: TrackingKinds.Click, Url: { } url } hit) return UnknownLink(token);
        if (hit.OrderId is { } orderId)
            await events.RaiseAsync(orderId, EventTypes.EmailLinkClicked, $"{EventTypes.EmailLinkClicked}:{token}",
                new { url, outboxMessageId = hit.OutboxMessageId },
                timeline => timeline.AddLogAsync(orderId, $"Link in an email clicked: {url}", null, new { url, outboxMessageId = hit.OutboxMessageId }, ct), ct);
        return TypedResults.Redirect(url);
    }

    private static async Task<IResult> OpenAsync(string token, HttpResponse response, Func<ChannelsDb> openDb, ChannelEvents events, TimeProvider clock,
        CancellationToken ct)
    {
        if (await HitAsync(token, openDb, clock, ct) is not { Kind: TrackingKinds.Open } hit) return UnknownLink(token);
        if (hit.OrderId is { } orderId)
            await events.RaiseAsync(orderId, EventTypes.EmailViewed, $"{EventTypes.EmailViewed}:{hit.OutboxMessageId}",
                new { outboxMessageId = hit.OutboxMessageId },
                timeline => timeline.AddLogAsync(orderId, "Email opened by the client", null, new { outboxMessageId = hit.OutboxMessageId }, ct), ct);
        // Every open should reach us, not a cached copy.
        response.Headers.CacheControl = "no-store, no-cache, must-revalidate";
        return TypedResults.Bytes(EmailTracking.PixelGif.ToArray(), "image/gif");
    }

    private static async Task<TrackingHit?> HitAsync(string token, Func<ChannelsDb> openDb, TimeProvider clock, CancellationToken ct)
    {
        if (EmailTracking.TokenOf(EmailTracking.ClickPath + token) is null) return null;
        await using var db = openDb();
        return await new TrackingLinks(db, clock).HitAsync(token, ct);
    }

    private static IResult UnknownLink(string token) =>
        Problems.Result(404, "Unknown link", $"No tracked link has the token '{token}'.", "tracking_link_unknown");
}
