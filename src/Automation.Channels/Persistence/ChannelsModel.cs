using Automation.Channels.Mail;
using Automation.Channels.Outbox;
using Automation.Channels.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Persistence;

/// Tables, keys and indexes of ChannelsDb; the hand-written migration creates exactly these.
internal static class ChannelsModel
{
    public static void Build(ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => x.OrderId);
            e.HasIndex(x => x.ProviderMessageId);
            e.HasIndex(x => new { x.Channel, x.Id });
        });
        model.Entity<InboundMail>(e =>
        {
            e.ToTable("inbound_mail");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.DedupKey).IsUnique();
            e.HasIndex(x => x.OrderId);
            e.HasIndex(x => x.NotifiedAt);
        });
        model.Entity<TrackingLink>(e =>
        {
            e.ToTable("tracking_links");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Token).IsUnique();
            e.HasIndex(x => x.OutboxMessageId);
            e.HasOne<OutboxMessage>().WithMany().HasForeignKey(x => x.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
