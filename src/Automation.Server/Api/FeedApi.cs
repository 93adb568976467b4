using Automation.Orders;
using Automation.Orders.Feed;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// The company feed: posts by employees or by the "Add message to Feed" rule, to everyone or to chosen employees.
public static class FeedApi
{
    public static RouteGroupBuilder MapFeedApi(this RouteGroupBuilder api)
    {
        var feed = api.MapGroup("/feed").WithTags("Feed");
        feed.MapGet("/", ListAsync);
        feed.MapGet("/{id:long}", GetAsync);
        feed.MapPost("/", PostAsync);
        return api;
    }

    public sealed record PostRequest(string? Title, string? Text, long? AuthorId, List<long>? RecipientIds, long? OrderId);

    /// A post as the API shows it; no recipients means everyone.
    public sealed record FeedPostView(long Id, long? AuthorId, string Title, string Text, long? OrderId, IReadOnlyList<long> RecipientIds, DateTimeOffset CreatedAt)
    {
        public static FeedPostView Of(FeedPost p) =>
            new(p.Id, p.AuthorId, p.Title, p.Text, p.OrderId, p.Recipients.Select(r => r.EmployeeId).Order().ToList(), p.CreatedAt);
    }

    private static async Task<Ok<Page<FeedPostView>>> ListAsync(StoreAccess store, TimeProvider clock, long? employeeId, int? offset, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var page = await new CompanyFeed(db, clock).ListAsync(employeeId, new PageRequest(offset ?? 0, limit ?? 50), ct);
            return new Page<FeedPostView>(page.Items.Select(FeedPostView.Of).ToList(), page.Offset, page.Limit, page.Total);
        }, ct));

    private static async Task<Ok<FeedPostView>> GetAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(FeedPostView.Of(await store.ReadAsync(db => new CompanyFeed(db, clock).GetAsync(id, ct), ct)));

    private static async Task<Created<FeedPostView>> PostAsync(PostRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Text)) throw DomainException.Invalid("text", "is required");
        var post = await store.WriteAsync(db => new CompanyFeed(db, clock).PostAsync(
            new NewFeedPost(body.Title ?? "", body.Text, body.AuthorId, body.RecipientIds, body.OrderId), ct), ct);
        return TypedResults.Created($"/api/feed/{post.Id}", FeedPostView.Of(post));
    }
}
