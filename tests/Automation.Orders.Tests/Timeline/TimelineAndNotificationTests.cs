using Automation.Orders.Employees;
using Automation.Orders.Notifications;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Automation.Orders.Timeline;

namespace Automation.Orders.Tests.Timeline;

public sealed class TimelineAndNotificationTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Timeline_lists_an_orders_entries_oldest_first_in_pages(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        var other = await store.NewOrderAsync(email: "bob@example.com", phone: "2");
        await using var db = store.Db();
        var timeline = new OrderTimeline(db, store.Clock);

        await timeline.AddCommentAsync(order.Id, "Client asked for gift wrap", "kate", CancellationToken.None);
        await timeline.AddLogAsync(order.Id, "Rule 'Task' created task 7", null, new { taskId = 7 }, CancellationToken.None);
        await timeline.AddMessageAsync(order.Id, "Email 'Thank you' sent", new { to = "ann@example.com" }, CancellationToken.None);
        await timeline.AddErrorAsync(other.Id, "SMS provider refused", null, CancellationToken.None);
        await timeline.AddActivityAsync(order.Id, "Call scheduled", null, CancellationToken.None);

        var first = await timeline.ListAsync(order.Id, new PageRequest(0, 3), CancellationToken.None);
        var second = await timeline.ListAsync(order.Id, new PageRequest(3, 3), CancellationToken.None);
        Assert.Equal(5, first.Total);
        Assert.Equal(
            [TimelineKind.StatusChange, TimelineKind.Comment, TimelineKind.Log, TimelineKind.Message, TimelineKind.Activity],
            first.Items.Concat(second.Items).Select(e => e.Kind));
        Assert.Equal("""{"taskId":7}""", first.Items[2].Data);
        var missing = await Assert.ThrowsAsync<DomainException>(() => timeline.AddCommentAsync(999, "hello", null, CancellationToken.None));
        Assert.Equal("order_not_found", missing.Code);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Notifications_are_listed_newest_first_for_their_employee_and_can_be_marked_read(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var staff = await new EmployeeDirectory(db).SeedAsync([new("Kate", "kate@shop.example"), new("Leo", "leo@shop.example")], CancellationToken.None);
        var (kate, leo) = (staff[0].Id, staff[1].Id);
        var notifications = new EmployeeNotifications(db, store.Clock);

        var first = await notifications.AddAsync(kate, "Order 1001 waits for you", 1, leo, CancellationToken.None);
        var second = await notifications.AddAsync(kate, "Order 1002 waits for you", 2, null, CancellationToken.None);
        await notifications.AddAsync(leo, "Not for Kate", null, null, CancellationToken.None);
        var marked = await notifications.MarkReadAsync(kate, [first.Id], CancellationToken.None);

        Assert.Equal(1, marked);
        var all = await notifications.ListForEmployeeAsync(kate, new PageRequest(), unreadOnly: false, CancellationToken.None);
        Assert.Equal([second.Id, first.Id], all.Items.Select(n => n.Id));
        var unread = await notifications.ListForEmployeeAsync(kate, new PageRequest(), unreadOnly: true, CancellationToken.None);
        Assert.Equal([second.Id], unread.Items.Select(n => n.Id));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => notifications.AddAsync(404, "hi", null, null, CancellationToken.None));
        Assert.Equal("employee_not_found", unknown.Code);
    }
}
