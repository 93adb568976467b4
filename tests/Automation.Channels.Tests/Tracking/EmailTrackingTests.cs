using Automation.Channels.Mail;
using Automation.Channels.Persistence;
using Automation.Channels.Tests.Support;
using Automation.Channels.Tracking;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Tests.Tracking;

public sealed class EmailTrackingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Web_links_point_at_the_click_redirect_and_other_links_stay()
    {
        const string html = """
            <p><a href="https://shop.test/order/42?x=1&amp;y=2">order</a>
            <A class="btn" HREF='http://shop.test/pay'>pay</A>
            <a href=https://bare.test/x>bare</a>
            <a href="mailto:help@shop.test">mail</a> <a href="tel:+47">call</a> <a href="#top">top</a>
            <a data-notrack href="https://shop.test/unsubscribe">unsubscribe</a></p>
            """;

        var tracked = EmailTracking.Rewrite(html, 5, 42, "https://track.test/", trackClicks: true, trackOpens: false, Now);

        Assert.Equal(["https://shop.test/order/42?x=1&y=2", "http://shop.test/pay", "https://bare.test/x"], tracked.Links.Select(l => l.Url));
        Assert.All(tracked.Links, l => Assert.Equal((TrackingKinds.Click, 5L, 42L, 32), (l.Kind, l.OutboxMessageId, l.OrderId!.Value, l.Token.Length)));
        foreach (var link in tracked.Links) Assert.Contains($"\"https://track.test/t/c/{link.Token}\"", tracked.Html);
        Assert.Contains("class=\"btn\"", tracked.Html);
        Assert.Contains("href=\"mailto:help@shop.test\"", tracked.Html);
        Assert.Contains("href=\"tel:+47\"", tracked.Html);
        Assert.Contains("href=\"#top\"", tracked.Html);
        Assert.Contains("href=\"https://shop.test/unsubscribe\"", tracked.Html);
        Assert.DoesNotContain("<img", tracked.Html);
        Assert.Equal(3, tracked.Links.Select(l => l.Token).Distinct().Count());
    }

    [Fact]
    public void Open_pixel_goes_before_the_end_of_body_or_at_the_end()
    {
        var withBody = EmailTracking.Rewrite("<html><body><p>x</p></body></html>", 5, null, "https://track.test", false, true, Now);
        var fragment = EmailTracking.Rewrite("<p>x</p>", 5, null, "https://track.test", false, true, Now);

        var pixel = Assert.Single(withBody.Links);
        Assert.Equal((TrackingKinds.Open, (string?)null), (pixel.Kind, pixel.Url));
        Assert.EndsWith($"<img src=\"https://track.test/t/o/{pixel.Token}.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\"></body></html>", withBody.Html);
        Assert.StartsWith("<p>x</p><img src=\"https://track.test/t/o/", fragment.Html);
    }

    [Fact]
    public void Nothing_changes_when_both_kinds_of_tracking_are_off()
    {
        const string html = "<a href=\"https://shop.test\">x</a>";

        var tracked = EmailTracking.Rewrite(html, 5, null, "https://track.test", false, false, Now);

        Assert.Equal(html, tracked.Html);
        Assert.Empty(tracked.Links);
    }

    [Theory]
    [InlineData("/t/c/0123abcd", "0123abcd")]
    [InlineData("/t/o/0123abcd.gif", "0123abcd")]
    [InlineData("/t/c/", null)]
    [InlineData("/t/c/../etc", null)]
    [InlineData("/orders/1", null)]
    public void Token_is_read_from_a_tracking_path(string path, string? token) => Assert.Equal(token, EmailTracking.TokenOf(path));

    [Fact]
    public void Pixel_is_a_gif() => Assert.Equal("GIF89a"u8.ToArray(), EmailTracking.PixelGif[..6].ToArray());

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Click_token_resolves_to_the_original_url_message_and_order_and_counts_hits(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        await using (var db = channels.Db())
            await new EmailOutbox(channels.Outbox, MailSetup.Options(25), channels.Clock).EnqueueAsync(db, MailSetup.Email());
        await using var read = channels.Db();
        var links = await new TrackingLinks(read, channels.Clock).ForMessageAsync(1);
        var click = Assert.Single(links, l => l.Kind == TrackingKinds.Click);
        Assert.Single(links, l => l.Kind == TrackingKinds.Open);

        var first = await new TrackingLinks(read, channels.Clock).HitAsync(click.Token);
        channels.Clock.Advance(TimeSpan.FromMinutes(3));
        var second = await new TrackingLinks(read, channels.Clock).HitAsync(click.Token);
        var unknown = await new TrackingLinks(read, channels.Clock).HitAsync("feedfacefeedfacefeedfacefeedface");

        Assert.Equal(new TrackingHit(TrackingKinds.Click, "https://carrier.test/track?id=42&lang=de", 1, 42, FirstHit: true, Hits: 1), first);
        Assert.Equal(second! with { FirstHit = true, Hits = 1 }, first);
        Assert.Equal((false, 2), (second.FirstHit, second.Hits));
        Assert.Null(unknown);
        var stored = await read.TrackingLinks.AsNoTracking().SingleAsync(l => l.Token == click.Token);
        Assert.Equal(channels.Clock.GetUtcNow() - TimeSpan.FromMinutes(3), stored.FirstHitAt);
        Assert.Equal(channels.Clock.GetUtcNow(), stored.LastHitAt);
    }

    [Fact]
    public async Task Tracking_tokens_of_an_email_whose_step_rolls_back_are_gone_with_it()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        await using var workflows = new WorkflowDatabase(DatabaseProvider.Sqlite, channels.ConnectionString);
        workflows.AddParticipant(ChannelsDb.Create);
        await workflows.MigrateAsync();

        await using (var step = await workflows.BeginAsync())
        {
            await new EmailOutbox(channels.Outbox, MailSetup.Options(25), channels.Clock).EnqueueAsync(step.Db<ChannelsDb>(), MailSetup.Email());
        }

        await using var db = channels.Db();
        Assert.Equal(0, await db.TrackingLinks.CountAsync());
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
    }
}
