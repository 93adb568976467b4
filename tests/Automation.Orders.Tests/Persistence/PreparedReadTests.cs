using System.Text.Json;
using Automation.Orders.Activities;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Persistence;
using Automation.Orders.Shipments;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Persistence;

/// The hot reads (an order or a client whole: StoreAggregate; an order's open activities: StoreRows) go through
/// prepared statements instead of EF Core's query pipeline (PreparedRead). What a caller sees must not change: the same
/// values, converted as EF Core converts them; tracked entities that are unchanged until the caller changes them, and
/// save like entities EF Core read; the tracked instance when the context tracks a row already.
public sealed class PreparedReadTests
{
    private static readonly StoreAggregate<Order> Orders = new(o => o.Shipments, o => o.Payments);
    private static readonly StoreAggregate<Client> Clients = new(c => c.Emails, c => c.Phones);

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_order_and_its_client_read_by_prepared_statements_equal_what_EF_Cores_query_reads(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await OrderWithEveryKindOfValueAsync(store);

        await using var connection = await store.OpenConnectionAsync();
        await using var db = StoreDb.Create(connection, null, provider);
        var read = await Orders.ReadAsync(db, order.Id, CancellationToken.None);
        Assert.False(db.LastReadByQuery, "the order was read by the prepared statements");
        var client = await Clients.ReadAsync(db, order.ClientId, CancellationToken.None);
        Assert.False(db.LastReadByQuery);
        Assert.Empty(db.ChangeTracker.Entries());

        await using var check = store.Db();
        var queried = await check.Orders.AsNoTracking().Include(o => o.Shipments.OrderBy(s => s.Id)).Include(o => o.Payments.OrderBy(p => p.Id))
            .SingleAsync(o => o.Id == order.Id);
        var queriedClient = await check.Clients.AsNoTracking().Include(c => c.Emails.OrderBy(e => e.Id)).Include(c => c.Phones.OrderBy(p => p.Id))
            .SingleAsync(c => c.Id == order.ClientId);
        Assert.Equal(JsonSerializer.Serialize(queried), JsonSerializer.Serialize(read));
        Assert.Equal(JsonSerializer.Serialize(queriedClient), JsonSerializer.Serialize(client));
        // The values the test wrote, so that equality with the query is not equality of two wrong reads.
        Assert.Equal((2, 2, "courier", 0.005m, "ext-2"), (read!.Shipments.Count, read.Payments.Count, read.Shipments[0].DeliveryService,
            read.Payments[1].Amount, read.Payments[1].ExternalId));
        Assert.Null(read.Payments[0].PaySystem);
        Assert.Equal(["gift", "note"], read.Fields.Keys.Order());
        Assert.Null(read.Fields["gift"]);
        Assert.Equal((ClientKind.Company, PhoneType.Mobile, EmailType.Work), (client!.Kind, client.Phones[1].Type, client.Emails[0].Type));

        Assert.Null(await Orders.ReadAsync(db, order.Id + 1000, CancellationToken.None));
        Assert.Null(await Clients.ReadAsync(db, order.ClientId + 1000, CancellationToken.None));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_tracked_order_is_unchanged_until_changed_and_its_changes_save(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await OrderWithEveryKindOfValueAsync(store);
        await using var connection = await store.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var db = StoreDb.Create(connection, transaction, provider);
            var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            Assert.False(db.LastReadByQuery);
            Assert.False(db.ChangeTracker.HasChanges(), "nothing read differs from its snapshot");
            Assert.Equal(5, db.ChangeTracker.Entries().Count()); // the order, two shipments, two payments
            Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
            Assert.True(db.Entry(tracked).Collection(o => o.Payments).IsLoaded);
            Assert.Same(tracked, await store.Orders(db).GetAsync(order.Id, CancellationToken.None));

            tracked.IsPaid = true;
            tracked.Payments[0].Paid = true;
            tracked.Payments.Add(new Payment { Amount = 1m, Currency = "EUR", CreatedAt = store.Clock.GetUtcNow() });
            tracked.Shipments.RemoveAt(1);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = store.Db();
        var stored = await check.Orders.AsNoTracking().Include(o => o.Shipments).Include(o => o.Payments).SingleAsync(o => o.Id == order.Id);
        Assert.True(stored.IsPaid);
        Assert.Equal(order.Version + 1, stored.Version);
        Assert.Equal([true, true, false], stored.Payments.OrderBy(p => p.Id).Select(p => p.Paid));
        Assert.Equal(["courier"], stored.Shipments.Select(s => s.DeliveryService));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task When_the_context_tracks_a_row_of_the_order_already_the_order_holds_that_instance(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await OrderWithEveryKindOfValueAsync(store);
        await using var connection = await store.OpenConnectionAsync();
        await using var db = StoreDb.Create(connection, null, provider);
        var payment = await db.Payments.OrderBy(p => p.Id).FirstAsync(p => p.OrderId == order.Id);
        payment.PaySystem = "changed in this unit";

        var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);

        Assert.True(db.LastReadByQuery, "EF Core's query resolved the identity");
        Assert.Same(payment, tracked.Payments[0]);
        Assert.Equal("changed in this unit", tracked.Payments[0].PaySystem);
        Assert.Equal(2, tracked.Payments.Count);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rows_whose_columns_equal_the_values_are_read_in_key_order_tracked_as_EF_Cores_query_reads_them(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        var other = await store.NewOrderAsync(email: "bob@example.com", phone: "+47 400 00 002");
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        await using (var setup = store.Db())
        {
            CrmActivity Activity(long orderId, string subject, string? status, bool completed) => new()
            {
                OrderId = orderId,
                Kind = CrmActivityKind.Call,
                Subject = subject,
                AutoCompleteStatus = status,
                IsCompleted = completed,
                StartAt = at,
                EndAt = completed ? null : at.AddHours(1),
                ReminderMinutes = completed ? null : 15,
                CreatedAt = at,
            };
            setup.CrmActivities.AddRange(Activity(order.Id, "first", "new", false), Activity(order.Id, "done", "new", true),
                Activity(order.Id, "elsewhere", "paid", false), Activity(order.Id, "never", null, false), Activity(other.Id, "theirs", "new", false),
                Activity(order.Id, "second", "new", false));
            await setup.SaveChangesAsync();
        }
        var open = new StoreRows<CrmActivity>(a => a.OrderId, a => a.IsCompleted, a => a.AutoCompleteStatus);
        await using var connection = await store.OpenConnectionAsync();
        await using var db = StoreDb.Create(connection, null, provider);

        var read = await open.ReadTrackedAsync(db, [order.Id, false, "new"], CancellationToken.None);

        Assert.False(db.LastReadByQuery, "read by the prepared statement");
        Assert.Equal(["first", "second"], read.Select(a => a.Subject));
        Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
        Assert.Equal(2, db.ChangeTracker.Entries().Count());
        await using var check = store.Db();
        var queried = await check.CrmActivities.AsNoTracking().Where(a => a.OrderId == order.Id && !a.IsCompleted && a.AutoCompleteStatus == "new")
            .OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(JsonSerializer.Serialize(queried), JsonSerializer.Serialize(read));

        // A row the context tracks already comes back as that instance, by EF Core's query.
        read[0].Description = "changed in this unit";
        var again = await open.ReadTrackedAsync(db, [order.Id, false, "new"], CancellationToken.None);
        Assert.True(db.LastReadByQuery);
        Assert.Equal(read, again);
        Assert.Equal("changed in this unit", again[0].Description);

        // A null value is compared as the query compares it (null equals null), which the statement's `=` would not.
        var never = await open.ReadTrackedAsync(db, [order.Id, false, null], CancellationToken.None);
        Assert.True(db.LastReadByQuery);
        Assert.Equal(["never"], never.Select(a => a.Subject));
    }

    /// An order with a value of every kind the order and client tables hold: nulls, a null custom field, decimals with
    /// digits to the thousandth, enums stored as text, times with milliseconds.
    private static async Task<Order> OrderWithEveryKindOfValueAsync(TestStore store)
    {
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var tracked = await db.Orders.Include(o => o.Payments).SingleAsync(o => o.Id == order.Id);
        var at = new DateTimeOffset(2026, 11, 22, 9, 15, 30, 250, TimeSpan.Zero);
        tracked.Fields["note"] = "leave at the door";
        tracked.Fields["gift"] = null;
        tracked.Payments.Add(new Payment { Amount = 12.5m, Currency = "EUR", Paid = false, PaySystem = null, CreatedAt = at });
        tracked.Payments.Add(new Payment { Amount = 0.005m, Currency = "USD", Paid = true, PaySystem = "card", ExternalId = "ext-2", CreatedAt = at.AddDays(1) });
        var client = await db.Clients.Include(c => c.Phones).SingleAsync(c => c.Id == tracked.ClientId);
        client.Kind = ClientKind.Company;
        client.Details["tax id"] = "NO 123";
        client.Phones.Add(new ClientPhone { Value = "+47 400 00 002", Type = PhoneType.Mobile, Digits = "4740000002" });
        await db.SaveChangesAsync();
        return tracked;
    }
}
