using Automation.Channels.Outbox;
using Automation.Channels.Tests.Support;
using Automation.Workflows.Persistence;

namespace Automation.Channels.Tests.Outbox;

public sealed class OutboxSenderTests
{
    private static readonly OutboxOptions Options = new()
    {
        MaxAttempts = 4,
        FirstRetryDelay = TimeSpan.FromSeconds(30),
        MaxRetryDelay = TimeSpan.FromMinutes(10),
        Lease = TimeSpan.FromMinutes(5),
    };

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Due_message_is_delivered_once_recorded_as_sent_and_reported(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        var message = await channels.EnqueueAsync(Messages.Sms("k1"));
        var sms = new FakeChannel("sms");
        var observer = new RecordingObserver();
        var sender = channels.Sender([sms], observer, Options);

        Assert.Equal(1, await sender.DeliverDueAsync());
        Assert.Equal(0, await sender.DeliverDueAsync());

        var sent = await channels.MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(1, sent.Attempts);
        Assert.Equal(channels.Clock.GetUtcNow(), sent.SentAt);
        Assert.Equal($"p-{message.Id}", sent.ProviderMessageId);
        Assert.Equal("queued", sent.ProviderStatus);
        Assert.NotNull(sent.NotifiedAt);
        Assert.Null(sent.LockedBy);
        Assert.Equal("k1", Assert.Single(sms.Deliveries).IdempotencyKey);
        var notice = Assert.Single(observer.Delivered);
        Assert.Equal((message.Id, 7L, "sent", $"p-{message.Id}"), (notice.MessageId, notice.OrderId!.Value, notice.Status, notice.ProviderMessageId!));
        Assert.Empty(observer.Failed);
    }

    [Fact]
    public async Task Failing_provider_is_retried_with_doubling_back_off_then_the_message_fails_with_its_reason()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var message = await channels.EnqueueAsync(Messages.Sms("k1"));
        var attempt = 0;
        var sms = new FakeChannel("sms", _ => Task.FromResult(DeliveryResult.Retry($"503 try later ({++attempt})")));
        var observer = new RecordingObserver();
        var sender = channels.Sender([sms], observer, Options);
        var start = channels.Clock.GetUtcNow();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, await sender.DeliverDueAsync());
            var pending = await channels.MessageAsync(message.Id);
            Assert.Equal(OutboxStatus.Pending, pending.Status);
            waits.Add(pending.NextAttemptAt - channels.Clock.GetUtcNow());
            channels.Clock.Advance(waits[^1] - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await sender.DeliverDueAsync()); // not before it is due
            channels.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(1, await sender.DeliverDueAsync());

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)], waits);
        var failed = await channels.MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(4, failed.Attempts);
        Assert.Equal("503 try later (4)", failed.LastError);
        Assert.Equal(start + TimeSpan.FromSeconds(210), failed.FailedAt);
        Assert.Equal("503 try later (4)", Assert.Single(observer.Failed).Error);
        Assert.Equal(4, sms.Deliveries.Count);
    }

    [Fact]
    public async Task Back_off_stops_growing_at_the_maximum_delay()
    {
        var options = new OutboxOptions { FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(5) };

        Assert.Equal(
            [30, 60, 120, 240, 300, 300],
            Enumerable.Range(1, 6).Select(a => options.RetryDelay(a).TotalSeconds).ToArray());
    }

    [Fact]
    public async Task Rejected_message_fails_at_once_without_retries()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var message = await channels.EnqueueAsync(Messages.Sms("k1"));
        var sms = new FakeChannel("sms", _ => Task.FromResult(DeliveryResult.Reject("21211 Invalid 'To' Phone Number")));
        var observer = new RecordingObserver();

        await channels.Sender([sms], observer, Options).DeliverDueAsync();
        channels.Clock.Advance(TimeSpan.FromHours(2));
        await channels.Sender([sms], observer, Options).DeliverDueAsync();

        var failed = await channels.MessageAsync(message.Id);
        Assert.Equal((OutboxStatus.Failed, 1, "21211 Invalid 'To' Phone Number"), (failed.Status, failed.Attempts, failed.LastError));
        Assert.Single(sms.Deliveries);
        Assert.Single(observer.Failed);
    }

    [Fact]
    public async Task Provider_exception_counts_as_a_failed_attempt_and_a_channel_without_provider_fails_the_message()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var sms = await channels.EnqueueAsync(Messages.Sms("k1"));
        var call = await channels.EnqueueAsync(new OutboxMessage { Channel = OutboxChannels.Call, Recipient = "+47", IdempotencyKey = "k2" });
        var throwing = new FakeChannel("sms", _ => throw new HttpRequestException("Connection refused (127.0.0.1:9)"));

        await channels.Sender([throwing], options: Options).DeliverDueAsync();

        var retried = await channels.MessageAsync(sms.Id);
        Assert.Equal((OutboxStatus.Pending, "Connection refused (127.0.0.1:9)"), (retried.Status, retried.LastError));
        var failed = await channels.MessageAsync(call.Id);
        Assert.Equal((OutboxStatus.Failed, "no provider is configured for call"), (failed.Status, failed.LastError));
    }

    [Theory, MemberData(nameof(TestChannelsDb.Providers), MemberType = typeof(TestChannelsDb))]
    public async Task Two_senders_on_one_database_deliver_every_message_exactly_once(DatabaseProvider provider)
    {
        await using var channels = await TestChannelsDb.CreateAsync(provider);
        for (var i = 0; i < 40; i++) await channels.EnqueueAsync(Messages.Sms($"k{i}"));
        var sms = new FakeChannel("sms", async m =>
        {
            await Task.Yield();
            return DeliveryResult.Sent($"p-{m.Id}");
        });
        var options = Options with { BatchSize = 100 };
        var nodes = new[] { channels.Sender([sms], options: options), channels.Sender([sms], options: options) };

        var made = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.DeliverDueAsync())));

        Assert.Equal(40, made.Sum());
        Assert.Equal(40, sms.Deliveries.Select(d => d.Id).Distinct().Count());
        Assert.Equal(40, sms.Deliveries.Count);
    }

    [Fact]
    public async Task Message_of_a_sender_that_died_mid_attempt_is_retried_with_the_same_key_after_the_lease_and_the_late_sender_cannot_overwrite()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var message = await channels.EnqueueAsync(Messages.Sms("order-7-sms-a1"));
        var providerGotIt = new TaskCompletionSource();
        var neverAnswers = new TaskCompletionSource<DeliveryResult>();
        var dying = new FakeChannel("sms", _ =>
        {
            providerGotIt.TrySetResult();
            return neverAnswers.Task;
        });
        var observer = new RecordingObserver();
        var stuck = Task.Run(() => channels.Sender([dying], observer, Options).DeliverDueAsync());
        await providerGotIt.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var healthy = new FakeChannel("sms");
        Assert.Equal(0, await channels.Sender([healthy], observer, Options).DeliverDueAsync()); // still leased
        channels.Clock.Advance(Options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await channels.Sender([healthy], observer, Options).DeliverDueAsync());
        neverAnswers.SetResult(DeliveryResult.Reject("late answer from the dead sender"));
        await stuck.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("order-7-sms-a1", Assert.Single(dying.Deliveries).IdempotencyKey);
        Assert.Equal("order-7-sms-a1", Assert.Single(healthy.Deliveries).IdempotencyKey);
        var sent = await channels.MessageAsync(message.Id);
        Assert.Equal((OutboxStatus.Sent, 2, (string?)null), (sent.Status, sent.Attempts, sent.LastError));
        Assert.Single(observer.Delivered);
        Assert.Empty(observer.Failed);
    }

    [Fact]
    public async Task Message_whose_attempts_never_report_back_fails_after_the_attempt_limit()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var message = await channels.EnqueueAsync(Messages.Sms("k1"));
        var options = Options with { MaxAttempts = 2 };
        for (var i = 0; i < 2; i++)
        {
            using var dead = new CancellationTokenSource();
            var hanging = new FakeChannel("sms", async _ =>
            {
                await dead.CancelAsync();
                return await new TaskCompletionSource<DeliveryResult>().Task.WaitAsync(dead.Token);
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channels.Sender([hanging], options: options).DeliverDueAsync(dead.Token));
            channels.Clock.Advance(options.Lease + TimeSpan.FromSeconds(1));
        }

        var observer = new RecordingObserver();
        var never = new FakeChannel("sms");
        await channels.Sender([never], observer, options).DeliverDueAsync();

        var failed = await channels.MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Contains("did not report back", failed.LastError);
        Assert.Empty(never.Deliveries);
        Assert.Single(observer.Failed);
    }

    [Fact]
    public async Task Notice_that_failed_is_repeated_later_without_sending_the_message_again()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var message = await channels.EnqueueAsync(Messages.Sms("k1"));
        var sms = new FakeChannel("sms");
        var observer = new RecordingObserver { FailuresToThrow = 1 };
        var sender = channels.Sender([sms], observer, Options);

        await sender.DeliverDueAsync();
        Assert.Null((await channels.MessageAsync(message.Id)).NotifiedAt);
        await sender.DeliverDueAsync();
        Assert.Empty(observer.Delivered); // the failed notice keeps its claim until the lease runs out
        channels.Clock.Advance(Options.Lease + TimeSpan.FromSeconds(1));
        await sender.DeliverDueAsync();

        Assert.Single(sms.Deliveries);
        Assert.Equal(message.Id, Assert.Single(observer.Delivered).MessageId);
        Assert.NotNull((await channels.MessageAsync(message.Id)).NotifiedAt);
    }

    [Fact]
    public async Task Running_sender_delivers_a_new_message_when_woken_without_waiting_for_the_poll()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var delivered = new TaskCompletionSource<OutboxMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sms = new FakeChannel("sms", m =>
        {
            delivered.TrySetResult(m);
            return Task.FromResult(DeliveryResult.Sent("p"));
        });
        var sender = channels.Sender([sms], options: Options with { PollInterval = TimeSpan.FromHours(1) });
        using var stop = new CancellationTokenSource();
        var running = sender.RunAsync(stop.Token);

        await Task.Delay(200);
        await channels.EnqueueAsync(Messages.Sms("k-woken"));
        sender.Wake();

        Assert.Equal("k-woken", (await delivered.Task.WaitAsync(TimeSpan.FromSeconds(30))).IdempotencyKey);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Two_senders_on_one_PostgreSQL_database_deliver_every_message_once()
    {
        await using var channels = await TestChannelsDb.CreateAsync(DatabaseProvider.PostgreSql);
        for (var i = 0; i < 40; i++) await channels.EnqueueAsync(Messages.Sms($"two-nodes-{i}"));
        // One provider, reached by two senders with their own connections, as two nodes would reach it.
        var provider = new FakeChannel("sms", async m => { await Task.Delay(2); return DeliveryResult.Sent($"p-{m.Id}", "queued"); });
        var nodes = new[] { channels.Sender([provider]), channels.Sender([provider]) };

        while (await Task.WhenAll(nodes.Select(n => Task.Run(() => n.DeliverDueAsync()))) is var passes && passes.Sum() > 0) { }

        Assert.Equal(40, provider.Deliveries.Count);
        Assert.Equal(40, provider.Deliveries.Select(m => m.IdempotencyKey).Distinct().Count());
    }
}
