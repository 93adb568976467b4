using System.Collections.Concurrent;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Automation.Server.Events;

/// The per-order rate guard of the intake (issue 6): more than `Pipeline:FloodLimit` new events for one order within a
/// fixed window of `Pipeline:FloodWindow` are stored but not processed, and the order's timeline says so once per window.
/// The counts live in this process (no extra query on the hot path); each node of a cluster counts its own events.
public sealed class FloodGuard(IOptions<PipelineSettings> settings, TimeProvider clock)
{
    private const int PruneAbove = 50_000;
    private readonly ConcurrentDictionary<long, Window> _windows = new();

    /// Counts one new event for the order: null when it may be processed, else the drop.
    public FloodDrop? Count(long orderId)
    {
        var (limit, length) = (settings.Value.FloodLimit, settings.Value.FloodWindow);
        if (limit <= 0) return null;
        var bucket = clock.GetUtcNow().UtcTicks / length.Ticks;
        if (_windows.Count > PruneAbove)
            foreach (var (id, old) in _windows)
                if (Volatile.Read(ref old.Bucket) < bucket) _windows.TryRemove(id, out _);
        var window = _windows.GetOrAdd(orderId, _ => new Window());
        lock (window)
        {
            if (window.Bucket != bucket) (window.Bucket, window.Count) = (bucket, 0);
            if (++window.Count <= limit) return null;
            var start = new DateTimeOffset(bucket * length.Ticks, TimeSpan.Zero);
            return new FloodDrop(orderId, limit, length, start, start + length);
        }
    }

    /// Marks the stored event dropped (processed, never to be processed again) and, for the window's first drop, adds
    /// the timeline line; both commit with the event.
    public async Task DropAsync(StoreDb db, InboxEvent stored, FloodDrop drop, CancellationToken ct)
    {
        stored.ProcessedAt = clock.GetUtcNow();
        stored.LockedUntil = null;
        stored.Outcome = "dropped: " + drop.Describe();
        var recorded = await db.TimelineEntries.AnyAsync(e => e.OrderId == drop.OrderId && e.Kind == TimelineKind.Error
            && e.At >= drop.WindowStart && e.Text.StartsWith(FloodDrop.TimelinePrefix), ct);
        if (!recorded)
            db.TimelineEntries.Add(new TimelineEntry
            {
                OrderId = drop.OrderId,
                Kind = TimelineKind.Error,
                Text = $"{FloodDrop.TimelinePrefix} {drop.Describe()}; the events beyond it until {drop.WindowEnd:HH:mm:ss} UTC are stored but not processed (first: event {stored.Id}, '{stored.Type}')",
                At = clock.GetUtcNow(),
                Data = StoreJson.Write(new { floodGuard = true, drop.Limit, window = drop.Window.ToString(), firstDroppedEventId = stored.Id }),
            });
        await db.SaveChangesAsync(ct);
    }

    private sealed class Window
    {
        public long Bucket;
        public int Count;
    }
}

/// An event over an order's limit: the limit, the window it counts in.
public sealed record FloodDrop(long OrderId, int Limit, TimeSpan Window, DateTimeOffset WindowStart, DateTimeOffset WindowEnd)
{
    public const string TimelinePrefix = "Flood guard:";

    public string Describe() => $"order {OrderId} received more than {Limit} events within {Window}";
}
