using System.Text.Json;
using Automation.Orders.Events;
using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Orders;

public sealed class PaymentTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Order_becomes_paid_once_payments_cover_its_amount_and_each_payment_raises_an_event(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var book = store.Orders(db);

        var deposit = await book.RecordPaymentAsync(order.Id, new NewPayment(40m, PaySystem: "card", ExternalId: "ch_1"), CancellationToken.None);
        Assert.False((await book.GetAsync(order.Id, CancellationToken.None)).IsPaid);
        var rest = await book.RecordPaymentAsync(order.Id, new NewPayment(60m, "eur"), CancellationToken.None);

        await using var check = store.Db();
        Assert.True((await store.Orders(check).GetAsync(order.Id, CancellationToken.None)).IsPaid);
        var events = await check.InboxEvents.OrderBy(e => e.Id).ToListAsync();
        Assert.All(events, e => Assert.Equal((EventTypes.PaymentReceived, (long?)order.Id), (e.Type, e.OrderId)));
        Assert.Equal(
            [(deposit.Id, 40m, false), (rest.Id, 60m, true)],
            events.Select(e => JsonDocument.Parse(e.Data).RootElement)
                .Select(d => (d.GetProperty("paymentId").GetInt64(), d.GetProperty("amount").GetDecimal(), d.GetProperty("isPaid").GetBoolean())));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Payment_on_canceled_order_is_rejected_and_nothing_changes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using (var cancel = store.Db()) await store.Orders(cancel).CancelAsync(order.Id, "client changed mind", null, CancellationToken.None);
        await using var db = store.Db();
        var before = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id);

        var error = await Assert.ThrowsAsync<DomainException>(
            () => store.Orders(db).RecordPaymentAsync(order.Id, new NewPayment(100m), CancellationToken.None));

        Assert.Equal("order_canceled", error.Code);
        Assert.Equal("Order 1001 is canceled; recording a payment is not possible on a canceled order.", error.Message);
        await using var check = store.Db();
        var after = await check.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((before.Version, before.IsPaid), (after.Version, after.IsPaid));
        Assert.Equal(0, await check.Payments.CountAsync());
        Assert.Equal([EventTypes.OrderCanceled], await check.InboxEvents.Select(e => e.Type).ToListAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Payment_in_another_currency_is_rejected_naming_both_currencies(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();

        var error = await Assert.ThrowsAsync<DomainException>(
            () => store.Orders(db).RecordPaymentAsync(order.Id, new NewPayment(100m, "USD"), CancellationToken.None));

        Assert.Equal(("payment_currency_mismatch", "The payment is in USD but order 1001 is in EUR."), (error.Code, error.Message));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Pay_order_marks_every_payment_paid_and_adds_the_unpaid_rest(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var book = store.Orders(db);
        await book.RecordPaymentAsync(order.Id, new NewPayment(30m, Paid: false), CancellationToken.None);

        await book.MarkPaidAsync(order.Id, CancellationToken.None);
        await book.MarkPaidAsync(order.Id, CancellationToken.None);

        await using var check = store.Db();
        var paid = await store.Orders(check).GetAsync(order.Id, CancellationToken.None);
        Assert.True(paid.IsPaid);
        Assert.Equal([(30m, true), (70m, true)], paid.Payments.Select(p => (p.Amount, p.Paid)));
        var events = await check.InboxEvents.OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, events.Count);
        Assert.Equal(100m, JsonDocument.Parse(events[1].Data).RootElement.GetProperty("amount").GetDecimal());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rolled_back_transaction_leaves_neither_the_payment_nor_its_event(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var connection = await store.OpenConnectionAsync();

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var db = StoreDb.Create(connection, transaction, provider);
            await store.Orders(db).RecordPaymentAsync(order.Id, new NewPayment(100m), CancellationToken.None);
            await store.Orders(db).SetStatusAsync(order.Id, "paid", null, null, CancellationToken.None);
            Assert.Equal(1, await db.InboxEvents.CountAsync());
            await transaction.RollbackAsync();
        }

        await using var check = store.Db();
        var after = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(("new", false, order.Version), (after.Status, after.IsPaid, after.Version));
        Assert.Equal(0, await check.Payments.CountAsync());
        Assert.Equal(0, await check.InboxEvents.CountAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Committed_shared_transaction_keeps_the_payment_its_event_and_the_other_modules_write(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var connection = await store.OpenConnectionAsync();

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var db = StoreDb.Create(connection, transaction, provider))
            {
                await store.Orders(db).RecordPaymentAsync(order.Id, new NewPayment(100m), CancellationToken.None);
            }
            await using var otherModule = connection.CreateCommand();
            otherModule.Transaction = transaction;
            otherModule.CommandText = "UPDATE orders SET \"Fields\" = '{\"written\":\"elsewhere\"}'";
            await otherModule.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        await using var check = store.Db();
        var after = await store.Orders(check).GetAsync(order.Id, CancellationToken.None);
        Assert.True(after.IsPaid);
        Assert.Equal("elsewhere", after.Fields["written"]);
        Assert.Equal(1, await check.InboxEvents.CountAsync());
    }
}
