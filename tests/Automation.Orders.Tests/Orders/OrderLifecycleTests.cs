using Automation.Orders.Clients;
using Automation.Orders.Employees;
using Automation.Orders.Events;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Orders;

public sealed class OrderLifecycleTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task New_orders_get_consecutive_numbers_and_share_the_client_found_by_email_or_phone(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var first = await store.NewOrderAsync();
        var second = await store.NewOrderAsync(email: "ANN@example.com");
        var third = await store.NewOrderAsync(email: "bob@example.com", phone: "+47 400 00 002");
        var fourth = await store.NewOrderAsync(email: "ann.smith@example.com", phone: "4740000001");

        Assert.Equal(["1001", "1002", "1003", "1004"], new[] { first.Number, second.Number, third.Number, fourth.Number });
        Assert.Equal(first.ClientId, second.ClientId);
        Assert.NotEqual(first.ClientId, third.ClientId);
        Assert.Equal(first.ClientId, fourth.ClientId);
        Assert.Equal(100m, first.Amount);
        Assert.Equal("new", first.Status);
        await using var db = store.Db();
        var entry = Assert.Single((await new OrderTimeline(db, store.Clock).ListAsync(first.Id, new PageRequest(), CancellationToken.None)).Items);
        Assert.Equal(TimelineKind.StatusChange, entry.Kind);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Status_change_is_recorded_on_the_timeline_and_moves_the_version_on(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        store.Clock.Advance(TimeSpan.FromMinutes(5));
        await using var db = store.Db();

        var change = await store.Orders(db).SetStatusAsync(order.Id, "paid", "manager@example.com", "paid by phone", CancellationToken.None);
        var repeated = await store.Orders(db).SetStatusAsync(order.Id, "paid", null, null, CancellationToken.None);

        Assert.True(change.Changed);
        Assert.False(repeated.Changed);
        await using var check = store.Db();
        var saved = await store.Orders(check).GetAsync(order.Id, CancellationToken.None);
        Assert.Equal("paid", saved.Status);
        Assert.Equal(order.Version + 1, saved.Version);
        Assert.Equal(store.Clock.GetUtcNow(), saved.StatusChangedAt);
        var entry = (await new OrderTimeline(check, store.Clock).ListAsync(order.Id, new PageRequest(), CancellationToken.None)).Items[^1];
        Assert.Equal(TimelineKind.StatusChange, entry.Kind);
        Assert.Equal("Status changed from 'new' to 'paid': paid by phone", entry.Text);
        Assert.Equal("manager@example.com", entry.Author);
        Assert.Contains("\"from\":\"new\"", entry.Data, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Second_context_saving_a_stale_order_gets_a_concurrency_exception(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var first = store.Db();
        await using var second = store.Db();
        var seenByFirst = await first.Orders.SingleAsync(o => o.Id == order.Id);
        var seenBySecond = await second.Orders.SingleAsync(o => o.Id == order.Id);

        seenByFirst.Status = "paid";
        await first.SaveChangesAsync();
        seenBySecond.Status = "canceled";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var check = store.Db();
        Assert.Equal("paid", (await check.Orders.SingleAsync(o => o.Id == order.Id)).Status);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Cancel_raises_order_canceled_and_a_second_cancel_is_rejected(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();

        await store.Orders(db).CancelAsync(order.Id, "out of stock", "rule", CancellationToken.None);
        var error = await Assert.ThrowsAsync<DomainException>(() => store.Orders(db).CancelAsync(order.Id, "again", null, CancellationToken.None));

        Assert.Equal("order_already_canceled", error.Code);
        Assert.Contains("1001", error.Message, StringComparison.Ordinal);
        await using var check = store.Db();
        var saved = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.True(saved.IsCanceled);
        Assert.Equal("out of stock", saved.CancelReason);
        var raised = Assert.Single(await check.InboxEvents.ToListAsync());
        Assert.Equal((EventTypes.OrderCanceled, (long?)order.Id), (raised.Type, raised.OrderId));
        Assert.Equal("""{"reason":"out of stock"}""", raised.Data);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Changing_the_responsible_raises_an_event_and_an_unknown_employee_is_rejected(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var kate = await new EmployeeDirectory(db).CreateAsync(new NewEmployee("Kate", "kate@shop.example"), CancellationToken.None);

        await store.Orders(db).ChangeResponsibleAsync(order.Id, kate.Id, "rule", CancellationToken.None);
        var error = await Assert.ThrowsAsync<DomainException>(() => store.Orders(db).ChangeResponsibleAsync(order.Id, 9999, null, CancellationToken.None));

        Assert.Equal(("employee_not_found", "Employee 9999 does not exist."), (error.Code, error.Message));
        await using var check = store.Db();
        Assert.Equal(kate.Id, (await check.Orders.SingleAsync(o => o.Id == order.Id)).ResponsibleId);
        var raised = Assert.Single(await check.InboxEvents.ToListAsync());
        Assert.Equal(EventTypes.ResponsibleChanged, raised.Type);
        Assert.Equal($$"""{"from":null,"to":{{kate.Id}}}""", raised.Data);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Orders_are_listed_by_status_newest_first_in_pages_that_neither_skip_nor_repeat(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var created = new List<Order>();
        for (var i = 0; i < 7; i++) created.Add(await store.NewOrderAsync(status: i % 3 == 0 ? "paid" : "new"));
        await using var db = store.Db();
        var book = store.Orders(db);

        var firstPage = await book.ListAsync("new", new PageRequest(0, 3), CancellationToken.None);
        var secondPage = await book.ListAsync("new", new PageRequest(3, 3), CancellationToken.None);

        var expected = created.Where(o => o.Status == "new").OrderByDescending(o => o.Id).Select(o => o.Number);
        Assert.Equal(4, firstPage.Total);
        Assert.Equal(expected, firstPage.Items.Concat(secondPage.Items).Select(o => o.Number));
        Assert.All(firstPage.Items, o => Assert.Equal(2, o.Shipments.Count));
        Assert.Equal(7, (await book.ListAsync(null, new PageRequest(), CancellationToken.None)).Total);
        var error = await Assert.ThrowsAsync<DomainException>(() => book.ListAsync(null, new PageRequest(0, 0), CancellationToken.None));
        Assert.Equal("invalid_limit", error.Code);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Unknown_order_is_reported_by_its_id(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();

        var error = await Assert.ThrowsAsync<DomainException>(() => store.Orders(db).SetStatusAsync(404, "paid", null, null, CancellationToken.None));

        Assert.Equal(("order_not_found", "Order 404 does not exist."), (error.Code, error.Message));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Order_without_any_client_detail_is_rejected_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var request = new NewOrder { Client = new NewClient(" "), Status = "new", Currency = "EUR" };

        var error = await Assert.ThrowsAsync<DomainException>(() => store.Orders(db).CreateAsync(request, CancellationToken.None));

        Assert.Equal("invalid_client", error.Code);
        await using var check = store.Db();
        Assert.Equal(0, await check.Orders.CountAsync());
        Assert.Equal(0, await check.CodeCounters.CountAsync());
    }
}
