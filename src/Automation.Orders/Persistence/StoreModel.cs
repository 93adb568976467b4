using Automation.Orders.Clients;
using Automation.Orders.Counters;
using Automation.Orders.Employees;
using Automation.Orders.Events;
using Automation.Orders.Notifications;
using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Secrets;
using Automation.Orders.Shipments;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// The store's tables. Names here and in Migrations/ must agree: the migration is hand-written (no dotnet-ef here).
internal static class StoreModel
{
    public const string UnprocessedInboxIndex = "IX_inbox_events_Unprocessed";

    public static void Build(ModelBuilder model)
    {
        model.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Number).IsRequired();
            order.Property(o => o.Status).IsRequired();
            order.Property(o => o.Currency).IsRequired();
            order.Property(o => o.Items).HasJsonConversion();
            order.Property(o => o.Fields).HasJsonConversion();
            order.HasIndex(o => o.Number).IsUnique().HasDatabaseName("IX_orders_Number");
            order.HasIndex(o => new { o.Status, o.Id }).HasDatabaseName("IX_orders_Status_Id");
            order.HasIndex(o => o.ClientId).HasDatabaseName("IX_orders_ClientId");
            order.HasOne<Client>().WithMany().HasForeignKey(o => o.ClientId).OnDelete(DeleteBehavior.Restrict)
                .HasConstraintName("FK_orders_clients_ClientId");
            order.HasMany(o => o.Shipments).WithOne().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_shipments_orders_OrderId");
            order.HasMany(o => o.Payments).WithOne().HasForeignKey(p => p.OrderId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_payments_orders_OrderId");
        });
        model.Entity<Shipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.HasIndex(s => s.OrderId).HasDatabaseName("IX_shipments_OrderId");
        });
        model.Entity<Payment>(payment =>
        {
            payment.ToTable("payments");
            payment.HasIndex(p => p.OrderId).HasDatabaseName("IX_payments_OrderId");
        });
        BuildClients(model);
        StoreModelForRules.Build(model);
        model.Entity<Employee>(employee =>
        {
            employee.ToTable("employees");
            employee.HasIndex(e => e.Email).IsUnique().HasDatabaseName("IX_employees_Email");
        });
        model.Entity<TimelineEntry>(entry =>
        {
            entry.ToTable("timeline_entries");
            entry.Property(e => e.Kind).HasConversion<string>();
            entry.HasIndex(e => new { e.OrderId, e.Id }).HasDatabaseName("IX_timeline_entries_OrderId_Id");
            entry.HasOne<Order>().WithMany().HasForeignKey(e => e.OrderId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_timeline_entries_orders_OrderId");
        });
        model.Entity<InboxEvent>(inbox =>
        {
            inbox.ToTable("inbox_events");
            inbox.HasIndex(e => e.IdempotencyKey).IsUnique().HasFilter("\"IdempotencyKey\" IS NOT NULL")
                .HasDatabaseName("IX_inbox_events_IdempotencyKey");
            // The events still to process, oldest first: only they are ever looked up by that, and most events are
            // stored already processed (a payment's in the unit that processes it), which then write no page here.
            inbox.HasIndex(e => e.Id).HasFilter("\"ProcessedAt\" IS NULL").HasDatabaseName(UnprocessedInboxIndex);
            inbox.HasIndex(e => e.OrderId).HasDatabaseName("IX_inbox_events_OrderId");
        });
        model.Entity<CodeCounter>(counter =>
        {
            counter.ToTable("code_counters");
            counter.HasKey(c => c.Name);
        });
        model.Entity<SharedSecret>(secret =>
        {
            secret.ToTable("shared_secrets");
            secret.HasKey(s => s.Name);
        });
        model.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasIndex(n => new { n.EmployeeId, n.Id }).HasDatabaseName("IX_notifications_EmployeeId_Id");
            notification.HasOne<Employee>().WithMany().HasForeignKey(n => n.EmployeeId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_notifications_employees_EmployeeId");
        });
    }

    private static void BuildClients(ModelBuilder model)
    {
        model.Entity<Client>(client =>
        {
            client.ToTable("clients");
            client.Property(c => c.Kind).HasConversion<string>();
            client.Property(c => c.Details).HasJsonConversion();
            client.HasIndex(c => c.VisitorId).HasDatabaseName("IX_clients_VisitorId");
            client.HasMany(c => c.Emails).WithOne().HasForeignKey(e => e.ClientId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_client_emails_clients_ClientId");
            client.HasMany(c => c.Phones).WithOne().HasForeignKey(p => p.ClientId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_client_phones_clients_ClientId");
        });
        model.Entity<ClientEmail>(email =>
        {
            email.ToTable("client_emails");
            email.Property(e => e.Type).HasConversion<string>();
            email.HasIndex(e => e.Normalized).HasDatabaseName("IX_client_emails_Normalized");
            email.HasIndex(e => e.ClientId).HasDatabaseName("IX_client_emails_ClientId");
        });
        model.Entity<ClientPhone>(phone =>
        {
            phone.ToTable("client_phones");
            phone.Property(p => p.Type).HasConversion<string>();
            phone.HasIndex(p => p.Digits).HasDatabaseName("IX_client_phones_Digits");
            phone.HasIndex(p => p.ClientId).HasDatabaseName("IX_client_phones_ClientId");
        });
    }

    /// Stores a list as JSON text. Its elements are immutable values (records, numbers), so the change-tracking
    /// snapshot is a shallow copy and equality is element by element; adding, removing or replacing an element in
    /// place is saved. (Comparing the serialized JSON instead cost two serializations per property on every
    /// DetectChanges.)
    internal static PropertyBuilder<List<T>> HasJsonConversion<T>(this PropertyBuilder<List<T>> property) where T : IEquatable<T>
    {
        var comparer = new ValueComparer<List<T>>(
            (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
            v => v.Aggregate(v.Count, (hash, item) => HashCode.Combine(hash, item)),
            v => new List<T>(v));
        property.HasConversion(v => StoreJson.Write(v), s => StoreJson.Read<List<T>>(s), comparer).IsRequired();
        return property;
    }

    /// Stores a string map (custom fields, details) as JSON text; setting, adding or removing a key in place is saved.
    internal static PropertyBuilder<Dictionary<string, string?>> HasJsonConversion(this PropertyBuilder<Dictionary<string, string?>> property)
    {
        var comparer = new ValueComparer<Dictionary<string, string?>>(
            (a, b) => a == null ? b == null : b != null && SameEntries(a, b),
            v => v.Aggregate(v.Count, (hash, entry) => hash ^ HashCode.Combine(entry.Key, entry.Value)),
            v => new Dictionary<string, string?>(v, v.Comparer));
        property.HasConversion(v => StoreJson.Write(v), s => StoreJson.Read<Dictionary<string, string?>>(s), comparer).IsRequired();
        return property;
    }

    private static bool SameEntries(Dictionary<string, string?> a, Dictionary<string, string?> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var value) && string.Equals(entry.Value, value, StringComparison.Ordinal));
}
