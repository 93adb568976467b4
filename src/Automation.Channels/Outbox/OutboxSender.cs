using Automation.Channels.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.Outbox;

/// Delivers due outbox messages: claims each with a lease (a conditional UPDATE, so of several senders on one
/// database exactly one gets it), hands it to its channel, and records the outcome; failures are retried with
/// exponential back-off up to a limit, then the message fails with the provider's reason. Run it with
/// <see cref="RunAsync"/> (e.g. from <see cref="OutboxSenderService"/>) or call <see cref="DeliverDueAsync"/>.
public sealed class OutboxSender
{
    private const int ClaimCandidates = 16;

    private readonly Func<ChannelsDb> _openDb;
    private readonly Dictionary<string, IOutboxChannel> _channels;
    private readonly IOutboxObserver _observer;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public OutboxSender(Func<ChannelsDb> openDb, IEnumerable<IOutboxChannel> channels, IOutboxObserver observer, OutboxOptions options,
        TimeProvider clock, ILogger<OutboxSender> logger)
    {
        options.Validate();
        _openDb = openDb;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _observer = observer;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    /// Asks a running <see cref="RunAsync"/> loop to look for due messages now (e.g. right after a step committed one).
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; once is enough.
        }
    }

    /// Delivers until stopped: a pass, then a wait for the poll interval or a <see cref="Wake"/>.
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await DeliverDueAsync(cancellationToken, CancellationToken.None);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                _logger.LogError(error, "Outbox pass failed; trying again in {Interval}", _options.PollInterval);
            }
            using var poll = new CancellationTokenSource(_options.PollInterval, _clock);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, cancellationToken);
            try
            {
                await _wake.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The poll interval is up.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// One pass: repeats notices still owed, then makes up to a batch of delivery attempts; returns how many it made.
    public Task<int> DeliverDueAsync(CancellationToken cancellationToken = default) => DeliverDueAsync(cancellationToken, cancellationToken);

    /// A pass that claims nothing more once <paramref name="stopTaking"/> is cancelled (the host stopping) but finishes
    /// and records the attempt under way unless <paramref name="abort"/> is, so that a message already handed to a
    /// provider is not sent again by another node when its lease runs out.
    private async Task<int> DeliverDueAsync(CancellationToken stopTaking, CancellationToken abort)
    {
        await using var db = _openDb();
        await NotifyOwedAsync(db, stopTaking);
        var attempts = 0;
        while (attempts < _options.BatchSize && !stopTaking.IsCancellationRequested && await ClaimNextAsync(db, stopTaking) is { } claim)
        {
            await AttemptAsync(db, claim.Message, claim.Token, abort);
            attempts++;
        }
        return attempts;
    }

    private async Task<(OutboxMessage Message, string Token)?> ClaimNextAsync(ChannelsDb db, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        DateTimeOffset? until = now + _options.Lease;
        var candidates = await Due(db, now).OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => m.Id)
            .Take(ClaimCandidates).ToListAsync(cancellationToken);
        foreach (var id in candidates)
        {
            var token = Guid.NewGuid().ToString("N");
            var claimed = await Due(db, now).Where(m => m.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(m => m.LockedUntil, until)
                .SetProperty(m => m.LockedBy, token)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);
            if (claimed == 1) return (await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken), token);
        }
        return null;
    }

    private static IQueryable<OutboxMessage> Due(ChannelsDb db, DateTimeOffset now) =>
        db.OutboxMessages.Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now));

    private async Task AttemptAsync(ChannelsDb db, OutboxMessage message, string token, CancellationToken cancellationToken)
    {
        // Claims that never reported back (the sender died mid-attempt) count as attempts too.
        var result = message.Attempts > _options.MaxAttempts
            ? DeliveryResult.Reject(message.LastError ?? $"gave up after {_options.MaxAttempts} attempts that did not report back")
            : await CallChannelAsync(message, cancellationToken);
        var recorded = await RecordAsync(db, message, token, result, cancellationToken);
        if (recorded is null)
        {
            _logger.LogWarning("Outbox message {MessageId} was taken over by another sender before its outcome was recorded", message.Id);
            return;
        }
        if (recorded.Status != OutboxStatus.Pending) await NotifyAsync(db, recorded, token, cancellationToken);
    }

    private async Task<DeliveryResult> CallChannelAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(message.Channel, out var channel)) return DeliveryResult.Reject($"no provider is configured for {message.Channel}");
        try
        {
            return await channel.DeliverAsync(message, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A provider timeout surfaces as a cancellation that is not ours: retry it like any transient failure.
            return DeliveryResult.Retry(error is OperationCanceledException ? "the provider did not answer in time" : error.Message);
        }
    }

    /// Writes the outcome, only if this sender still holds the claim; returns the message as recorded, or null.
    private async Task<OutboxMessage?> RecordAsync(ChannelsDb db, OutboxMessage message, string token, DeliveryResult result,
        CancellationToken cancellationToken)
    {
        DateTimeOffset? now = _clock.GetUtcNow();
        var mine = db.OutboxMessages.Where(m => m.Id == message.Id && m.LockedBy == token);
        int updated;
        if (result.Outcome == DeliveryOutcome.Sent)
        {
            _logger.LogInformation("Outbox message {MessageId} sent by {Channel} (attempt {Attempt})", message.Id, message.Channel, message.Attempts);
            updated = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.ProviderMessageId, result.ProviderMessageId).SetProperty(m => m.ProviderStatus, result.ProviderStatus)
                .SetProperty(m => m.LastError, (string?)null), cancellationToken);
        }
        else if (result.Outcome == DeliveryOutcome.Reject || message.Attempts >= _options.MaxAttempts)
        {
            _logger.LogWarning("Outbox message {MessageId} failed for good after {Attempts} attempts: {Error}", message.Id, message.Attempts, result.Error);
            updated = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, OutboxStatus.Failed).SetProperty(m => m.FailedAt, now)
                .SetProperty(m => m.LastError, result.Error), cancellationToken);
        }
        else
        {
            var next = now.Value + _options.RetryDelay(message.Attempts);
            _logger.LogInformation("Outbox message {MessageId} attempt {Attempt} failed ({Error}); next attempt at {Next}",
                message.Id, message.Attempts, result.Error, next);
            updated = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LastError, result.Error)
                .SetProperty(m => m.LockedUntil, (DateTimeOffset?)null).SetProperty(m => m.LockedBy, (string?)null), cancellationToken);
        }
        return updated == 0 ? null : await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == message.Id, cancellationToken);
    }

    /// Finished messages whose notice is owed and whose sender's lease ran out (it died between outcome and notice).
    private async Task NotifyOwedAsync(ChannelsDb db, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        DateTimeOffset? until = now + _options.Lease;
        var owed = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status != OutboxStatus.Pending && m.NotifiedAt == null && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.Id).Take(_options.BatchSize).ToListAsync(cancellationToken);
        foreach (var message in owed)
        {
            var token = Guid.NewGuid().ToString("N");
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.NotifiedAt == null && (m.LockedUntil == null || m.LockedUntil < now))
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.LockedUntil, until).SetProperty(m => m.LockedBy, token), cancellationToken);
            if (claimed == 1) await NotifyAsync(db, message, token, cancellationToken);
        }
    }

    /// Tells the observer, then marks the notice given and lets go of the message. If the observer fails, the claim
    /// is left to run out and a later pass repeats the notice.
    private async Task NotifyAsync(ChannelsDb db, OutboxMessage message, string token, CancellationToken cancellationToken)
    {
        var outcome = OutboxOutcome.Of(message);
        try
        {
            if (message.Status == OutboxStatus.Sent) await _observer.DeliveredAsync(outcome, cancellationToken);
            else await _observer.FailedAsync(outcome, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _logger.LogError(error, "Outbox observer failed for message {MessageId}; the notice will be repeated", message.Id);
            return;
        }
        DateTimeOffset? now = _clock.GetUtcNow();
        await db.OutboxMessages.Where(m => m.Id == message.Id && m.LockedBy == token).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.NotifiedAt, now).SetProperty(m => m.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(m => m.LockedBy, (string?)null), cancellationToken);
    }
}
