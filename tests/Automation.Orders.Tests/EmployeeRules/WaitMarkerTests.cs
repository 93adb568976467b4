using Automation.Orders.Activities;
using Automation.Orders.Employees;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.EmployeeRules;

/// The Wait rule's markers in the store: the client's activity and the end racing for one marker.
public sealed class WaitMarkerTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Client_activity_and_the_end_racing_for_one_marker_complete_it_once_and_notify_at_most_once(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        long markerId;
        await using (var db = store.Db())
        {
            var clerk = await new EmployeeDirectory(db).CreateAsync(new NewEmployee("Clerk", "clerk@shop.test"), CancellationToken.None);
            await db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(set => set.SetProperty(o => o.ResponsibleId, clerk.Id));
            markerId = (await new WaitMarkers(db, store.Clock).CreateAsync(order.Id, clerk.Id, "Waiting for the reply", null,
                store.Clock.GetUtcNow().AddDays(2), CancellationToken.None)).Id;
        }
        await using (var db = store.Db())
            Assert.False(await new WaitMarkers(db, store.Clock).EndAsync(markerId, CancellationToken.None)); // not due yet
        store.Clock.Advance(TimeSpan.FromDays(2));

        var racers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await using var db = store.Db();
            var markers = new WaitMarkers(db, store.Clock);
            return i % 2 == 0
                ? await markers.EndAsync(markerId, CancellationToken.None)
                : await markers.CompleteOnClientActivityAsync([order.Id], "call.incoming", CancellationToken.None) == 1;
        })).ToList();
        var won = await Task.WhenAll(racers);

        Assert.Single(won, w => w);
        await using var check = store.Db();
        var marker = await check.CrmActivities.SingleAsync(a => a.Id == markerId);
        Assert.True(marker.IsCompleted);
        Assert.Single(await check.TimelineEntries.Where(e => e.OrderId == order.Id && e.Text.StartsWith("Waiting 'Waiting for the reply' completed")).ToListAsync());
        var notifications = await check.Notifications.CountAsync();
        Assert.Equal(marker.CompletedReason == "its end came" ? 1 : 0, notifications);
    }

    /// What the recovery sweep walks: markers created before the cut, once each, by id from where the last pass stopped;
    /// a marker created too recently stops the walk before it, so the next pass looks at it again.
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Open_markers_are_listed_by_id_once_old_enough_and_the_walk_goes_on_from_where_it_stopped(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var clerk = await new EmployeeDirectory(db).CreateAsync(new NewEmployee("Clerk", "clerk@shop.test"), CancellationToken.None);
        var markers = new WaitMarkers(db, store.Clock);
        var end = store.Clock.GetUtcNow().AddDays(2);
        var open = (await markers.CreateAsync(order.Id, clerk.Id, "open", null, end, CancellationToken.None)).Id;
        var completed = (await markers.CreateAsync(order.Id, clerk.Id, "completed", null, end, CancellationToken.None)).Id;
        await db.CrmActivities.Where(a => a.Id == completed).ExecuteUpdateAsync(set => set.SetProperty(a => a.IsCompleted, true));
        store.Clock.Advance(TimeSpan.FromMinutes(2));
        var recent = (await markers.CreateAsync(order.Id, clerk.Id, "recent", null, end, CancellationToken.None)).Id;

        var cut = store.Clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        var (first, upTo) = await markers.ListOpenCreatedAfterAsync(0, cut, CancellationToken.None);
        Assert.Equal([open], first.Select(m => m.Id));
        Assert.Equal(end, Assert.Single(first).End);
        Assert.Equal(recent - 1, upTo);

        store.Clock.Advance(TimeSpan.FromMinutes(2));
        var (second, next) = await markers.ListOpenCreatedAfterAsync(upTo, store.Clock.GetUtcNow() - TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal([recent], second.Select(m => m.Id));
        Assert.Equal(recent, next);
        var (none, same) = await markers.ListOpenCreatedAfterAsync(next, store.Clock.GetUtcNow(), CancellationToken.None);
        Assert.Empty(none);
        Assert.Equal(recent, same);
    }
}
