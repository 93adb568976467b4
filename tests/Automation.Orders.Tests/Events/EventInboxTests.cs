using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Events;

public sealed class EventInboxTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Fifty_concurrent_deliveries_of_one_event_are_stored_once(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            await using var db = store.Db();
            return await new EventInbox(db, store.Clock).AcceptAsync(CallEvent("call-42"), CancellationToken.None);
        })));

        Assert.Single(results, r => !r.AlreadyReceived);
        Assert.Single(results.Select(r => r.Event.Id).Distinct());
        await using var check = store.Db();
        Assert.Equal(1, await check.InboxEvents.CountAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Duplicate_racing_an_uncommitted_original_returns_it_and_leaves_the_callers_transaction_usable(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var firstConnection = await store.OpenConnectionAsync();
        await using var firstTransaction = await firstConnection.BeginTransactionAsync();
        await using var firstDb = StoreDb.Create(firstConnection, firstTransaction, provider);
        var original = await new EventInbox(firstDb, store.Clock).AcceptAsync(CallEvent("call-7"), CancellationToken.None);

        // The second caller misses the uncommitted original, so its insert waits on the unique index (PostgreSQL)
        // or the write lock (SQLite) until the first commits.
        var second = Task.Run(async () =>
        {
            await using var connection = await store.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var db = StoreDb.Create(connection, transaction, provider);
            var inbox = new EventInbox(db, store.Clock);
            var duplicate = await inbox.AcceptAsync(CallEvent("call-7"), CancellationToken.None);
            var next = await inbox.AcceptAsync(CallEvent("call-8"), CancellationToken.None);
            await transaction.CommitAsync();
            return (duplicate, next);
        });
        await Task.Delay(500);
        await firstTransaction.CommitAsync();
        var (duplicate, next) = await second;

        Assert.True(duplicate.AlreadyReceived);
        Assert.Equal(original.Event.Id, duplicate.Event.Id);
        Assert.False(next.AlreadyReceived);
        await using var check = store.Db();
        Assert.Equal(["call-7", "call-8"], await check.InboxEvents.OrderBy(e => e.Id).Select(e => e.IdempotencyKey).ToListAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Duplicate_that_misses_the_uncommitted_original_is_caught_by_the_unique_index(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var firstConnection = await store.OpenConnectionAsync();
        await using var firstTransaction = await firstConnection.BeginTransactionAsync();
        await using var firstDb = StoreDb.Create(firstConnection, firstTransaction, provider);
        var original = await new EventInbox(firstDb, store.Clock).AcceptAsync(CallEvent("call-9"), CancellationToken.None);

        var second = Task.Run(async () =>
        {
            await using var db = store.Db();
            return await new EventInbox(db, store.Clock).AcceptAsync(CallEvent("call-9"), CancellationToken.None);
        });
        await Task.Delay(500);
        await firstTransaction.CommitAsync();
        var duplicate = await second;

        Assert.True(duplicate.AlreadyReceived);
        Assert.Equal(original.Event.Id, duplicate.Event.Id);
        await using var check = store.Db();
        Assert.Equal(1, await check.InboxEvents.CountAsync());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Events_without_a_key_are_each_stored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var inbox = new EventInbox(db, store.Clock);

        var first = await inbox.AcceptAsync(CallEvent(null), CancellationToken.None);
        var second = await inbox.AcceptAsync(CallEvent(null), CancellationToken.None);

        Assert.False(second.AlreadyReceived);
        Assert.NotEqual(first.Event.Id, second.Event.Id);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Claims_take_the_oldest_unprocessed_event_and_a_lapsed_claim_can_be_taken_again(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var inbox = new EventInbox(db, store.Clock);
        var first = (await inbox.AcceptAsync(CallEvent("a"), CancellationToken.None)).Event;
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = (await inbox.AcceptAsync(CallEvent("b"), CancellationToken.None)).Event;

        Assert.Equal(first.Id, (await inbox.ClaimNextAsync(TimeSpan.FromMinutes(1), CancellationToken.None))?.Id);
        Assert.Equal(second.Id, (await inbox.ClaimNextAsync(TimeSpan.FromMinutes(1), CancellationToken.None))?.Id);
        Assert.Null(await inbox.ClaimNextAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.True(await inbox.MarkProcessedAsync(first.Id, "moved to paid", CancellationToken.None));
        Assert.False(await inbox.MarkProcessedAsync(first.Id, "again", CancellationToken.None));
        store.Clock.Advance(TimeSpan.FromMinutes(2));
        var retaken = await inbox.ClaimNextAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(second.Id, retaken?.Id);
        Assert.Equal(2, retaken?.Attempts);
        Assert.Equal([second.Id], (await inbox.ListUnprocessedAsync(10, CancellationToken.None)).Select(e => e.Id));
        var processed = await db.InboxEvents.AsNoTracking().SingleAsync(e => e.Id == first.Id);
        Assert.Equal("moved to paid", processed.Outcome);
        Assert.Equal(store.Clock.GetUtcNow() - TimeSpan.FromMinutes(2), processed.ProcessedAt);
    }

    [Fact]
    public async Task Unprocessed_events_are_found_by_their_own_index_which_processed_events_stay_out_of()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = store.Db();
        var inbox = new EventInbox(db, store.Clock);
        var processed = (await inbox.AcceptAsync(CallEvent("done"), CancellationToken.None)).Event;
        var waiting = (await inbox.AcceptAsync(CallEvent("waiting"), CancellationToken.None)).Event;
        Assert.True(await inbox.MarkProcessedAsync(processed.Id, "moved", CancellationToken.None));

        // Both queries read the partial index in id order: no scan of the table, no sort.
        foreach (var query in new IQueryable[] { inbox.Unprocessed(10), inbox.ClaimCandidates(store.Clock.GetUtcNow()) })
        {
            var plan = await PlanAsync(query);
            Assert.Contains($"USING INDEX {StoreModel.UnprocessedInboxIndex}", plan);
            Assert.DoesNotContain("TEMP B-TREE", plan);
        }
        Assert.Equal([waiting.Id], (await inbox.ListUnprocessedAsync(10, CancellationToken.None)).Select(e => e.Id));
        var indexed = await db.Database.SqlQueryRaw<long>(
            $"SELECT \"Id\" AS \"Value\" FROM \"inbox_events\" INDEXED BY \"{StoreModel.UnprocessedInboxIndex}\" WHERE \"ProcessedAt\" IS NULL").ToListAsync();
        Assert.Equal([waiting.Id], indexed);
    }

    private static async Task<string> PlanAsync(IQueryable query)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        if (command.Connection!.State != System.Data.ConnectionState.Open) await command.Connection.OpenAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Parallel_processors_each_claim_different_events(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using (var db = store.Db())
        {
            var inbox = new EventInbox(db, store.Clock);
            for (var i = 0; i < 30; i++) await inbox.AcceptAsync(CallEvent($"e{i}"), CancellationToken.None);
        }

        var claimed = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            await using var db = store.Db();
            var inbox = new EventInbox(db, store.Clock);
            while (await inbox.ClaimNextAsync(TimeSpan.FromMinutes(5), CancellationToken.None) is { } next) mine.Add(next.Id);
            return mine;
        })));

        var all = claimed.SelectMany(c => c).ToList();
        Assert.Equal(30, all.Count);
        Assert.Equal(30, all.Distinct().Count());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Event_with_data_that_is_not_json_is_rejected_naming_the_field(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var bad = new InboxEvent { Type = EventTypes.Webhook, Data = "{not json" };

        var error = await Assert.ThrowsAsync<DomainException>(() => new EventInbox(db, store.Clock).AcceptAsync(bad, CancellationToken.None));

        Assert.Equal("invalid_data", error.Code);
        Assert.StartsWith("'data' is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.InboxEvents.CountAsync());
    }

    private static InboxEvent CallEvent(string? key) => new()
    {
        Type = EventTypes.CallIncoming,
        ClientRef = """{"phone":"+47 400 00 001"}""",
        Data = """{"from":"+4740000001","line":"main"}""",
        IdempotencyKey = key,
    };
}
