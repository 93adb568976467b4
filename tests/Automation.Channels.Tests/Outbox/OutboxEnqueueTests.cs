using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Channels.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Tests.Outbox;

public sealed class OutboxEnqueueTests
{
    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Message_enqueued_in_a_step_exists_only_if_the_step_commits(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        await using var workflows = new WorkflowDatabase(provider, channels.ConnectionString);
        workflows.AddParticipant(ChannelsDb.Create);
        await workflows.MigrateAsync();

        await using (var rolledBack = await workflows.BeginAsync())
        {
            await channels.Outbox.EnqueueAsync(rolledBack.Db<ChannelsDb>(), Messages.Sms("order-7-rolled-back"));
        }
        await using (var committed = await workflows.BeginAsync())
        {
            await channels.Outbox.EnqueueAsync(committed.Db<ChannelsDb>(), Messages.Sms("order-7-committed"));
            await committed.CommitAsync();
        }

        await using var db = channels.Db();
        Assert.Equal(["order-7-committed"], await db.OutboxMessages.Select(m => m.IdempotencyKey).ToListAsync());
    }

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Same_idempotency_key_twice_stores_one_message_and_returns_the_first(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        await using var db = channels.Db();

        var first = await channels.Outbox.EnqueueAsync(db, Messages.Sms("rule-a1-order-7"));
        var second = await channels.Outbox.EnqueueAsync(db, Messages.Sms("rule-a1-order-7", to: "+4799999999"));

        Assert.False(first.AlreadyEnqueued);
        Assert.True(second.AlreadyEnqueued);
        Assert.Equal(first.Message.Id, second.Message.Id);
        Assert.Equal("+4740000001", second.Message.Recipient);
        Assert.Equal(1, await db.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task Concurrent_duplicates_store_one_message()
    {
        await using var channels = await TestChannelsDb.CreateAsync(DatabaseProvider.PostgreSql);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = channels.Db();
            return await channels.Outbox.EnqueueAsync(db, Messages.Sms("same-key"));
        }));

        Assert.Single(results.Select(r => r.Message.Id).Distinct());
        Assert.Single(results, r => !r.AlreadyEnqueued);
    }

    [Fact]
    public async Task New_message_is_pending_and_due_at_once()
    {
        await using var channels = await TestChannelsDb.CreateAsync();

        var message = await channels.EnqueueAsync(Messages.Sms("k1"));

        Assert.Equal(OutboxStatus.Pending, message.Status);
        Assert.Equal(channels.Clock.GetUtcNow(), message.NextAttemptAt);
        Assert.Equal(0, message.Attempts);
    }

    [Fact]
    public async Task Auto_sender_means_the_sender_the_channel_used_last()
    {
        await using var channels = await TestChannelsDb.CreateAsync();

        var none = await channels.EnqueueAsync(Messages.Sms("k1", sender: "auto"));
        await channels.EnqueueAsync(Messages.Sms("k2", sender: "+4711111111"));
        await channels.EnqueueAsync(Messages.Sms("k3", sender: "+4722222222"));
        var auto = await channels.EnqueueAsync(Messages.Sms("k4", sender: "auto"));

        Assert.Null(none.Sender);
        Assert.Equal("+4722222222", auto.Sender);
    }

    [Theory]
    [InlineData("fax", "+47", "k", "{}", "channel")]
    [InlineData("sms", " ", "k", "{}", "recipient")]
    [InlineData("sms", "+47", "", "{}", "idempotencyKey")]
    [InlineData("sms", "+47", "k", "{not json", "payload")]
    public async Task Invalid_message_is_refused_naming_the_field(string channel, string recipient, string key, string payload, string field)
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        await using var db = channels.Db();

        var error = await Assert.ThrowsAsync<ChannelValidationException>(() => channels.Outbox.EnqueueAsync(db,
            new OutboxMessage { Channel = channel, Recipient = recipient, IdempotencyKey = key, Payload = payload }));

        Assert.Equal(field, error.Field);
    }

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Provider_status_reported_later_is_recorded_on_the_message_it_sent(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        var message = await channels.EnqueueAsync(Messages.Sms("k1"));
        await channels.Sender([new FakeChannel("sms")]).DeliverDueAsync();
        await using var db = channels.Db();

        var updated = await MessageOutbox.RecordProviderStatusAsync(db, $"p-{message.Id}", "undelivered", "30003 Unreachable handset");
        var unknown = await MessageOutbox.RecordProviderStatusAsync(db, "SM-nobody", "delivered", null);

        Assert.Equal("undelivered", updated!.ProviderStatus);
        Assert.Equal("30003 Unreachable handset", updated.LastError);
        Assert.Null(unknown);
    }
}
