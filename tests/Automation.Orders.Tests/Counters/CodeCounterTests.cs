using Automation.Orders.Counters;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace Automation.Orders.Tests.Counters;

public sealed class CodeCounterTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Each_counter_starts_at_one_and_counts_up_on_its_own(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var counters = new CodeCounters(db);

        Assert.Equal(1, await counters.NextAsync("invoice", CancellationToken.None));
        Assert.Equal(2, await counters.NextAsync("invoice", CancellationToken.None));
        Assert.Equal(1, await counters.NextAsync("coupon", CancellationToken.None));
        Assert.Equal(2, await counters.PeekAsync("invoice", CancellationToken.None));
        Assert.Equal(0, await counters.PeekAsync("never-used", CancellationToken.None));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Two_hundred_parallel_callers_on_separate_contexts_get_distinct_consecutive_values(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var values = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            await using var db = store.Db();
            return await new CodeCounters(db).NextAsync("parallel", CancellationToken.None);
        })));

        Assert.Equal(Enumerable.Range(1, 200).Select(v => (long)v), values.Order());
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_value_taken_in_a_rolled_back_transaction_is_handed_out_again(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var connection = await store.OpenConnectionAsync();

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var db = StoreDb.Create(connection, transaction, provider);
            Assert.Equal(1, await new CodeCounters(db).NextAsync("rolled-back", CancellationToken.None));
            await transaction.RollbackAsync();
        }

        await using var after = store.Db();
        Assert.Equal(1, await new CodeCounters(after).NextAsync("rolled-back", CancellationToken.None));
    }

    [Fact]
    public async Task On_SQLite_the_counter_statement_is_prepared_once_per_connection()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var prepared = new List<int>();
        for (var i = 1; i <= 3; i++)
        {
            await using var db = StoreDb.Create(connection, transaction, DatabaseProvider.Sqlite);
            Assert.Equal(i, await new CodeCounters(db).NextAsync("prepared", CancellationToken.None));
            prepared.Add(SqliteStatementCache.Instance.PreparedOn(connection));
        }
        Assert.Equal([1, 1, 1], prepared);
    }
}
