using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Feed;

/// The company feed (GET /api/feed): posts by employees or by rules, to everyone or to chosen employees.
public sealed class CompanyFeed(StoreDb db, TimeProvider clock)
{
    public async Task<FeedPost> PostAsync(NewFeedPost request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text)) throw DomainException.Invalid("text", "must not be empty");
        var recipients = (request.RecipientIds ?? []).Distinct().ToList();
        long[] named = request.AuthorId is { } author ? [author, .. recipients] : [.. recipients];
        var known = await db.Employees.Where(e => named.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken);
        if (named.FirstOrDefault(id => !known.Contains(id)) is var missing and not 0) throw DomainException.EmployeeNotFound(missing);
        if (request.OrderId is { } orderId && !await db.Orders.AnyAsync(o => o.Id == orderId, cancellationToken)) throw DomainException.OrderNotFound(orderId);
        var post = new FeedPost
        {
            AuthorId = request.AuthorId,
            Title = string.IsNullOrWhiteSpace(request.Title) ? "" : request.Title.Trim(),
            Text = request.Text,
            OrderId = request.OrderId,
            CreatedAt = clock.GetUtcNow(),
            Recipients = [.. recipients.Select(id => new FeedRecipient { EmployeeId = id })],
        };
        db.FeedPosts.Add(post);
        await db.SaveChangesAsync(cancellationToken);
        return post;
    }

    public async Task<FeedPost> GetAsync(long postId, CancellationToken cancellationToken) =>
        await db.FeedPosts.AsNoTracking().Include(p => p.Recipients).FirstOrDefaultAsync(p => p.Id == postId, cancellationToken)
        ?? throw new DomainException("feed_post_not_found", $"Feed post {postId} does not exist.");

    /// Newest first; with an employee, only the posts that employee sees (to everyone, to them, or by them).
    public async Task<Page<FeedPost>> ListAsync(long? employeeId, PageRequest page, CancellationToken cancellationToken)
    {
        page.Validate();
        var posts = db.FeedPosts.AsNoTracking();
        if (employeeId is { } id)
            posts = posts.Where(p => p.AuthorId == id || !p.Recipients.Any() || p.Recipients.Any(r => r.EmployeeId == id));
        var total = await posts.CountAsync(cancellationToken);
        var items = await posts.OrderByDescending(p => p.Id).Skip(page.Offset).Take(page.Limit).Include(p => p.Recipients)
            .ToListAsync(cancellationToken);
        return new Page<FeedPost>(items, page.Offset, page.Limit, total);
    }
}
