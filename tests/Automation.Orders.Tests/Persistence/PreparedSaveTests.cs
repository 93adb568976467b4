using Automation.Orders.Clients;
using Automation.Orders.Events;
using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Automation.Orders.Timeline;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Persistence;

/// The store's usual changes (rows added, rows updated by key) are saved through prepared statements instead of EF
/// Core's update pipeline (PreparedSave). What a caller of SaveChanges can observe must not change: the rows, their
/// generated ids and order, the entries' states, concurrency conflicts, and a failed save that leaves the caller's
/// transaction usable.
public sealed class PreparedSaveTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rows_added_and_updated_in_one_save_are_stored_as_EF_Core_stores_them(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        var at = new DateTimeOffset(2026, 11, 21, 10, 30, 15, 123, TimeSpan.FromHours(3));
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            tracked.IsPaid = true;
            tracked.Fields["note"] = "leave at the door";
            tracked.UpdatedAt = at;
            var payment = new Payment { Amount = 1234567.89m, Currency = "EUR", Paid = true, PaySystem = null, ExternalId = "ext-1", CreatedAt = at };
            tracked.Payments.Add(payment);
            var entries = Enumerable.Range(1, 3).Select(i => new TimelineEntry
            {
                OrderId = order.Id,
                Kind = TimelineKind.Comment,
                Text = $"line {i}",
                Author = i == 2 ? null : "ann",
                Data = $"{{\"n\":{i}}}",
                At = at,
            }).ToList();
            db.TimelineEntries.AddRange(entries);

            await db.SaveChangesAsync();

            Assert.True(db.LastSaveWasPrepared, "the save went through prepared statements");
            if (connection is SqliteConnection sqlite)
                Assert.True(SqliteStatementCache.Instance.RawOn(sqlite) >= 3, "on SQLite each statement is bound by position through SQLitePCL");
            Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
            Assert.True(payment.Id > 0);
            Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
            Assert.Equal(order.Version + 1, tracked.Version);

            // A second change of the same entities updates the rows the first save created.
            payment.Paid = false;
            entries[1].Text = "line two";
            await db.SaveChangesAsync();
            Assert.True(db.LastSaveWasPrepared);
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        var stored = await check.Orders.AsNoTracking().Include(o => o.Payments).SingleAsync(o => o.Id == order.Id);
        Assert.True(stored.IsPaid);
        Assert.Equal("leave at the door", stored.Fields["note"]);
        Assert.Equal(at, stored.UpdatedAt);
        var storedPayment = Assert.Single(stored.Payments);
        Assert.Equal((1234567.89m, "EUR", false, (string?)null, "ext-1", at),
            (storedPayment.Amount, storedPayment.Currency, storedPayment.Paid, storedPayment.PaySystem, storedPayment.ExternalId, storedPayment.CreatedAt));
        var lines = await check.TimelineEntries.AsNoTracking().Where(e => e.Kind == TimelineKind.Comment).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["line 1", "line two", "line 3"], lines.Select(e => e.Text));
        Assert.Equal(["ann", null, "ann"], lines.Select(e => e.Author));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], lines.Select(e => e.Data));
        Assert.All(lines, e => Assert.Equal(at, e.At));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_save_of_added_rows_writes_them_and_leaves_an_undetected_change_to_the_next_full_save(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            tracked.CancelReason = "changed, not yet detected";
            var raised = new InboxEvent { Type = "call.missed", OrderId = order.Id, ReceivedAt = store.Clock.GetUtcNow() };
            db.InboxEvents.Add(raised);

            Assert.Equal(1, await db.SaveAddedAsync(CancellationToken.None));

            Assert.True(db.LastSaveWasPrepared);
            Assert.True(raised.Id > 0);
            Assert.Equal(EntityState.Unchanged, db.Entry(raised).State);
            Assert.Equal(EntityState.Modified, db.Entry(tracked).State); // asking for the entry detects the change: still owed
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        Assert.Equal("changed, not yet detected", (await check.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id)).CancelReason);
        Assert.True(await check.InboxEvents.AnyAsync(e => e.Type == "call.missed" && e.OrderId == order.Id));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rows_added_to_one_table_go_in_together_and_get_ids_in_the_order_they_were_added(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        var count = PreparedSave.RowsPerInsert + 8; // two statements
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        List<TimelineEntry> entries;
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            entries = Enumerable.Range(0, count).Select(i => new TimelineEntry
            {
                OrderId = order.Id,
                Kind = TimelineKind.Log,
                Text = $"line {i}",
                Author = i % 3 == 0 ? null : "rule",
                At = store.Clock.GetUtcNow().AddSeconds(i),
            }).ToList();
            db.TimelineEntries.AddRange(entries);
            db.InboxEvents.Add(new InboxEvent { Type = "call.missed", IdempotencyKey = "together", ReceivedAt = store.Clock.GetUtcNow() });

            Assert.Equal(count + 1, await db.SaveChangesAsync());
            Assert.True(db.LastSaveWasPrepared);
            Assert.Equal(entries.Select(e => e.Id).Order(), entries.Select(e => e.Id));
            Assert.Equal(count, entries.Select(e => e.Id).Distinct().Count());
        }
        if (connection is SqliteConnection sqlite)
        {
            // The savepoint and its release, one INSERT for the inbox row and two for the timeline rows (RowsPerInsert, then
            // the rest): five statements, where row by row it was count + 3. The INSERTs are bound by position.
            Assert.Equal(2, SqliteStatementCache.Instance.PreparedOn(sqlite));
            Assert.Equal(3, SqliteStatementCache.Instance.RawOn(sqlite));
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        var stored = await check.TimelineEntries.AsNoTracking().Where(e => e.Kind == TimelineKind.Log && e.OrderId == order.Id && e.Text.StartsWith("line "))
            .ToDictionaryAsync(e => e.Id);
        Assert.Equal(count, stored.Count);
        Assert.All(entries, e =>
        {
            var row = stored[e.Id];
            Assert.Equal((e.Text, e.Author, e.At), (row.Text, row.Author, row.At));
        });
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_save_of_one_statement_that_fails_leaves_the_transaction_usable(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await StoreEventAsync(store, "call-1");
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            db.InboxEvents.Add(new InboxEvent { Type = "call.missed", IdempotencyKey = "call-2", ReceivedAt = store.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
            var duplicate = new InboxEvent { Type = "call.missed", IdempotencyKey = "call-1", ReceivedAt = store.Clock.GetUtcNow() };
            db.InboxEvents.Add(duplicate);

            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.True(db.LastSaveWasPrepared);
            db.Entry(duplicate).State = EntityState.Detached;
            db.InboxEvents.Add(new InboxEvent { Type = "call.missed", IdempotencyKey = "call-3", ReceivedAt = store.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        Assert.Equal(["call-1", "call-2", "call-3"], await check.InboxEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => e.IdempotencyKey).ToListAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Appended_rows_are_inserted_by_the_next_save_without_being_tracked(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        List<TimelineEntry> appended;
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            var tracked = new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Comment, Text = "tracked", At = store.Clock.GetUtcNow() };
            db.TimelineEntries.Add(tracked);
            appended = Enumerable.Range(1, 3).Select(i => new TimelineEntry
            {
                OrderId = order.Id,
                Kind = TimelineKind.Log,
                Text = $"appended {i}",
                Author = i == 2 ? "rule" : null,
                Data = $"{{\"n\":{i}}}",
                At = store.Clock.GetUtcNow().AddMinutes(i),
            }).ToList();
            appended.ForEach(db.Append);
            Assert.Equal(appended, db.Appended<TimelineEntry>());

            Assert.Equal(4, await db.SaveChangesAsync());

            Assert.True(db.LastSaveWasPrepared);
            Assert.Empty(db.Appended<TimelineEntry>());
            Assert.Equal(tracked, Assert.Single(db.ChangeTracker.Entries<TimelineEntry>()).Entity);
            // Ids in the order the rows were staged, after the tracked row added to the same table.
            Assert.Equal([tracked.Id, .. appended.Select(e => e.Id)], new[] { tracked.Id }.Concat(appended.Select(e => e.Id)).Order());
            Assert.Equal(0, await db.SaveChangesAsync()); // saved once
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        var stored = await check.TimelineEntries.AsNoTracking().Where(e => e.OrderId == order.Id && e.Text.StartsWith("appended")).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["appended 1", "appended 2", "appended 3"], stored.Select(e => e.Text));
        Assert.Equal([null, "rule", null], stored.Select(e => e.Author));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], stored.Select(e => e.Data));
        Assert.Equal(appended.Select(e => e.At), stored.Select(e => e.At));
        Assert.All(stored, e => Assert.Equal(TimelineKind.Log, e.Kind));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Appended_rows_survive_a_failed_save_and_go_in_with_a_save_EF_Core_makes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await StoreEventAsync(store, "call-1");
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            db.Append(new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = "kept", At = store.Clock.GetUtcNow() });
            db.Append(new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = "forgotten", At = store.Clock.GetUtcNow() });
            var duplicate = new InboxEvent { Type = "call.missed", IdempotencyKey = "call-1", ReceivedAt = store.Clock.GetUtcNow() };
            db.InboxEvents.Add(duplicate);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal(2, db.Appended<TimelineEntry>().Count());

            db.Entry(duplicate).State = EntityState.Detached;
            db.ForgetAppended<TimelineEntry>(e => e.Text == "forgotten");
            // A delete is EF Core's to save: the staged row goes in with it.
            var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            tracked.Shipments.RemoveAt(0);
            await db.SaveChangesAsync();
            Assert.False(db.LastSaveWasPrepared);
            Assert.Empty(db.Appended<TimelineEntry>());
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        Assert.Equal(["kept"], await check.TimelineEntries.AsNoTracking().Where(e => e.OrderId == order.Id && e.Kind == TimelineKind.Log
            && (e.Text == "kept" || e.Text == "forgotten")).Select(e => e.Text).ToListAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_order_changed_since_it_was_read_is_a_conflict_and_nothing_of_that_save_is_kept(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            await using (var other = connection.CreateCommand())
            {
                other.Transaction = transaction;
                other.CommandText = $"UPDATE orders SET \"Version\" = \"Version\" + 1, \"Status\" = 'paid' WHERE \"Id\" = {order.Id}";
                await other.ExecuteNonQueryAsync();
            }
            db.TimelineEntries.Add(new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = "lost with the conflict", At = store.Clock.GetUtcNow() });
            tracked.Status = "shipped";

            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
            Assert.True(db.LastSaveWasPrepared);
            Assert.Equal(EntityState.Modified, db.Entry(tracked).State);

            // The caller's transaction goes on: other work in it still commits.
            db.ChangeTracker.Clear();
            db.TimelineEntries.Add(new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = "after the conflict", At = store.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        Assert.Equal("paid", (await check.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id)).Status);
        var texts = await check.TimelineEntries.AsNoTracking().Where(e => e.Kind == TimelineKind.Log).Select(e => e.Text).ToListAsync();
        Assert.Contains("after the conflict", texts);
        Assert.DoesNotContain("lost with the conflict", texts);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_failing_statement_undoes_the_whole_save_names_the_database_error_and_leaves_the_transaction_usable(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await StoreEventAsync(store, "call-1");
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            // The timeline row sorts first and is written before the duplicate key fails.
            db.TimelineEntries.Add(new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = "undone", At = store.Clock.GetUtcNow() });
            var duplicate = new InboxEvent { Type = "call.missed", IdempotencyKey = "call-1", ReceivedAt = store.Clock.GetUtcNow() };
            db.InboxEvents.Add(duplicate);

            var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.True(db.LastSaveWasPrepared);
            Assert.NotNull(error.InnerException);
            Assert.Contains("IdempotencyKey", error.InnerException!.Message + (error.InnerException as Npgsql.PostgresException)?.ConstraintName);
            Assert.Equal(EntityState.Added, db.Entry(duplicate).State);

            db.Entry(duplicate).State = EntityState.Detached;
            await db.SaveChangesAsync();
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        Assert.Equal(1, await check.InboxEvents.CountAsync());
        Assert.Equal(1, await check.TimelineEntries.CountAsync(e => e.Text == "undone"));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Changes_that_need_ordering_or_deleting_are_left_to_EF_Core(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        var other = await store.NewOrderAsync(email: "carl@example.com", phone: "+47 400 00 002");
        await using var connection = await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var db = StoreDb.Create(connection, transaction, provider))
        {
            // A client and its email: the email refers to a row not inserted yet.
            db.Clients.Add(new Client { Name = "Bob", Kind = ClientKind.Contact, Emails = [new ClientEmail { Value = "bob@example.com", Normalized = "bob@example.com" }] });
            await db.SaveChangesAsync();
            Assert.False(db.LastSaveWasPrepared);

            var tracked = await store.Orders(db).GetAsync(order.Id, CancellationToken.None);
            tracked.Shipments.RemoveAt(0);
            await db.SaveChangesAsync();
            Assert.False(db.LastSaveWasPrepared);

            // A changed reference may point at a row added in the same save.
            var entry = new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = "moved", At = store.Clock.GetUtcNow() };
            db.TimelineEntries.Add(entry);
            await db.SaveChangesAsync();
            Assert.True(db.LastSaveWasPrepared);
            entry.OrderId = other.Id;
            await db.SaveChangesAsync();
            Assert.False(db.LastSaveWasPrepared);
        }
        await transaction.CommitAsync();

        await using var check = store.Db();
        Assert.Equal("bob@example.com", (await check.Clients.AsNoTracking().Include(c => c.Emails).SingleAsync(c => c.Name == "Bob")).Emails.Single().Value);
        Assert.Single(await check.Shipments.AsNoTracking().Where(s => s.OrderId == order.Id).ToListAsync());
        Assert.Equal(other.Id, (await check.TimelineEntries.AsNoTracking().SingleAsync(e => e.Text == "moved")).OrderId);
    }

    [Fact]
    public async Task On_SQLite_each_statement_is_prepared_once_per_connection()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var order = await store.NewOrderAsync();
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();
        var prepared = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var db = StoreDb.Create(connection, transaction, DatabaseProvider.Sqlite);
            db.TimelineEntries.Add(new TimelineEntry { OrderId = order.Id, Kind = TimelineKind.Log, Text = $"entry {i}", At = store.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            prepared.Add(SqliteStatementCache.Instance.PreparedOn(connection) + SqliteStatementCache.Instance.RawOn(connection));
        }
        Assert.True(prepared[0] > 0);
        Assert.Equal([prepared[0], prepared[0], prepared[0]], prepared);
    }

    // An inbox event already stored, so that storing its idempotency key again fails.
    private static async Task StoreEventAsync(TestStore store, string idempotencyKey)
    {
        await using var db = store.Db();
        db.InboxEvents.Add(new InboxEvent { Type = "call.missed", IdempotencyKey = idempotencyKey, ReceivedAt = store.Clock.GetUtcNow() });
        await db.SaveChangesAsync();
    }
}
