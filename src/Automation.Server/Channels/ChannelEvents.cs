using System.Text.Json;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Server.Events;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Channels;

/// Turns what the channels report (a message sent, a mail received, a link clicked) into an order's event and the
/// timeline line that goes with it. Reports come at least once, so both are stored under the report's own key, once.
public sealed class ChannelEvents(EventIntake intake, TimeProvider clock)
{
    /// Stores the event (processed right away, so it may move the order) and, the first time only, the timeline line;
    /// false when the order no longer exists.
    public async Task<bool> RaiseAsync(long orderId, string type, string key, object data, Func<OrderTimeline, Task>? timeline, CancellationToken ct)
    {
        var (stored, _) = await intake.ChangeAsync(async db =>
        {
            if (!await db.Orders.AnyAsync(o => o.Id == orderId, ct)) return false;
            var accepted = await new EventInbox(db, clock).AcceptAsync(new InboxEvent
            {
                Type = type,
                OrderId = orderId,
                IdempotencyKey = key,
                Data = JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
            }, ct);
            if (!accepted.AlreadyReceived && timeline is not null) await timeline(new OrderTimeline(db, clock));
            return true;
        }, ct);
        return stored;
    }
}
