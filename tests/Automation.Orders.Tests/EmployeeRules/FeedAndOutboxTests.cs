using Automation.Orders.Employees;
using Automation.Orders.Feed;
using Automation.Orders.Outbox;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;

namespace Automation.Orders.Tests.EmployeeRules;

public sealed class FeedAndOutboxTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_employee_sees_posts_to_everyone_to_them_and_by_them_newest_first(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var staff = new EmployeeDirectory(db);
        var ann = await staff.CreateAsync(new NewEmployee("Ann", "ann@shop.test"), CancellationToken.None);
        var bob = await staff.CreateAsync(new NewEmployee("Bob", "bob@shop.test"), CancellationToken.None);
        var feed = new CompanyFeed(db, store.Clock);
        var everyone = await feed.PostAsync(new NewFeedPost("Hello", "to all"), CancellationToken.None);
        var toBob = await feed.PostAsync(new NewFeedPost("Bob", "for bob", RecipientIds: [bob.Id]), CancellationToken.None);
        var byAnn = await feed.PostAsync(new NewFeedPost("Ann", "ann to bob", ann.Id, [bob.Id]), CancellationToken.None);

        var annSees = await feed.ListAsync(ann.Id, new PageRequest(), CancellationToken.None);
        var bobSees = await feed.ListAsync(bob.Id, new PageRequest(), CancellationToken.None);

        Assert.Equal([byAnn.Id, everyone.Id], annSees.Items.Select(p => p.Id));
        Assert.Equal([byAnn.Id, toBob.Id, everyone.Id], bobSees.Items.Select(p => p.Id));
        Assert.Equal(3, (await feed.ListAsync(null, new PageRequest(), CancellationToken.None)).Total);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Sms_to_an_employee_without_a_phone_is_refused_and_email_is_queued_pending(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var ann = await new EmployeeDirectory(db).CreateAsync(new NewEmployee("Ann", "ann@shop.test"), CancellationToken.None);
        var outbox = new EmployeeMessageOutbox(db, store.Clock);

        var error = await Assert.ThrowsAsync<DomainException>(() => outbox.QueueAsync(MessageChannel.Sms, ann.Id, null, "hi", order.Id, CancellationToken.None));
        var email = await outbox.QueueAsync(MessageChannel.Email, ann.Id, "New order", "Order 1001", order.Id, CancellationToken.None);
        await outbox.RecordAttemptAsync(email.Id, "connection refused", 3, CancellationToken.None);

        Assert.Contains("Ann has no phone", error.Message);
        var pending = Assert.Single(await outbox.PendingAsync(10, CancellationToken.None));
        Assert.Equal(("ann@shop.test", 1, "connection refused"), (pending.Address, pending.Attempts, pending.Error));
    }
}
