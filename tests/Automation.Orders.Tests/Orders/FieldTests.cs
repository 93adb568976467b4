using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Orders;

public sealed class FieldTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Items_and_custom_fields_round_trip_through_their_json_columns(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var order = await store.Orders(db).CreateAsync(new NewOrder
        {
            Client = new("Jörg Ærø", "jorg@example.com"),
            Status = "new",
            Currency = "nok",
            Items = [new OrderItem("Kaffe «Sør»", "K-1", 1.5m, 99.90m)],
            Fields = new Dictionary<string, string?> { ["gift_note"] = "Gratulerer med dagen! ü€", ["coupon"] = null },
        }, CancellationToken.None);

        await using var check = store.Db();
        var saved = await check.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id);
        Assert.Equal([new OrderItem("Kaffe «Sør»", "K-1", 1.5m, 99.90m)], saved.Items);
        Assert.Equal(149.85m, saved.Amount);
        Assert.Equal("NOK", saved.Currency);
        Assert.Equal(new Dictionary<string, string?> { ["gift_note"] = "Gratulerer med dagen! ü€", ["coupon"] = null }, saved.Fields);
        var raw = await check.Database.SqlQueryRaw<string>("SELECT \"Fields\" AS \"Value\" FROM orders").SingleAsync();
        Assert.Equal("""{"gift_note":"Gratulerer med dagen! ü€","coupon":null}""", raw);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_field_changed_in_place_is_saved(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var tracked = await db.Orders.SingleAsync(o => o.Id == order.Id);

        tracked.Fields["color"] = "blue";
        tracked.Items.Add(new OrderItem("Saucer", null, 1, 5m));
        await db.SaveChangesAsync();

        await using var check = store.Db();
        var saved = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal("blue", saved.Fields["color"]);
        Assert.Equal(3, saved.Items.Count);
        Assert.Equal(order.Version + 1, saved.Version);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_json_column_is_written_when_an_element_or_key_changes_in_place_and_only_then(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using (var db = store.Db())
        {
            var tracked = await db.Orders.SingleAsync(o => o.Id == order.Id);
            tracked.Fields["color"] = "blue";
            tracked.Fields["size"] = "L";
            await db.SaveChangesAsync();
        }
        await using (var db = store.Db())
        {
            var untouched = await db.Orders.SingleAsync(o => o.Id == order.Id);
            Assert.Equal(0, await db.SaveChangesAsync());
        }
        await using (var db = store.Db())
        {
            var tracked = await db.Orders.SingleAsync(o => o.Id == order.Id);
            tracked.Items[0] = tracked.Items[0] with { Quantity = tracked.Items[0].Quantity + 1 };
            tracked.Fields.Remove("size");
            tracked.Fields["color"] = null;
            Assert.Equal(1, await db.SaveChangesAsync());
        }

        await using var check = store.Db();
        var saved = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(order.Items[0].Quantity + 1, saved.Items[0].Quantity);
        Assert.Equal(new Dictionary<string, string?> { ["color"] = null }, saved.Fields);
        Assert.Equal(order.Version + 2, saved.Version);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Append_mode_collects_values_of_a_multi_value_field_in_a_json_array(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var book = store.Orders(db);

        await book.SetFieldsAsync(order.Id, new Dictionary<string, string?> { ["tags"] = "vip" }, FieldWriteMode.Overwrite, CancellationToken.None);
        await book.SetFieldsAsync(order.Id, new Dictionary<string, string?> { ["tags"] = "gift" }, FieldWriteMode.Append, CancellationToken.None);
        await book.SetFieldsAsync(order.Id, new Dictionary<string, string?> { ["tags"] = """["rush","fragile"]""" }, FieldWriteMode.Append, CancellationToken.None);
        await book.SetFieldsAsync(order.Id, new Dictionary<string, string?> { ["note"] = "ring twice" }, FieldWriteMode.Overwrite, CancellationToken.None);

        await using var check = store.Db();
        var saved = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal("""["vip","gift","rush","fragile"]""", saved.Fields["tags"]);
        Assert.Equal("ring twice", saved.Fields["note"]);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Times_keep_their_instant_and_sort_in_time_order_whatever_their_offset(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var tracked = await db.Orders.SingleAsync(o => o.Id == order.Id);
        var oslo = new DateTimeOffset(2026, 3, 14, 11, 0, 0, TimeSpan.FromHours(2)); // 09:00 UTC, before the others
        tracked.StatusChangedAt = oslo;
        await db.SaveChangesAsync();
        var later = await store.NewOrderAsync();

        await using var check = store.Db();
        var saved = await check.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(oslo, saved.StatusChangedAt);
        Assert.Equal(TimeSpan.Zero, saved.StatusChangedAt.Offset);
        var cutoff = store.Clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        Assert.Equal([order.Id, later.Id], await check.Orders.OrderBy(o => o.StatusChangedAt).Select(o => o.Id).ToListAsync());
        Assert.Equal([order.Id], await check.Orders.Where(o => o.StatusChangedAt < cutoff).Select(o => o.Id).ToListAsync());
    }
}
