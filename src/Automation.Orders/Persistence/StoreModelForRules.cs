using Automation.Orders.Activities;
using Automation.Orders.Documents;
using Automation.Orders.Employees;
using Automation.Orders.Feed;
using Automation.Orders.Lists;
using Automation.Orders.Orders;
using Automation.Orders.Outbox;
using Automation.Orders.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Persistence;

/// The tables the employee rules need (migration 20261122000000_StoreEmployeeRules): CRM activities, the feed,
/// round-robin rotations, user lists, documents, the employee message outbox and tasks (auditors one row each from
/// migration 20261123000000_StoreTaskAuditors).
internal static class StoreModelForRules
{
    public static void Build(ModelBuilder model)
    {
        model.Entity<CrmActivity>(activity =>
        {
            activity.ToTable("crm_activities");
            activity.Property(a => a.Kind).HasConversion<string>();
            activity.HasIndex(a => new { a.OrderId, a.Id }).HasDatabaseName("IX_crm_activities_OrderId_Id");
            activity.HasOne<Order>().WithMany().HasForeignKey(a => a.OrderId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_crm_activities_orders_OrderId");
        });
        model.Entity<FeedPost>(post =>
        {
            post.ToTable("feed_posts");
            post.HasMany(p => p.Recipients).WithOne().HasForeignKey(r => r.PostId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_feed_recipients_feed_posts_PostId");
        });
        model.Entity<FeedRecipient>(recipient =>
        {
            recipient.ToTable("feed_recipients");
            recipient.HasKey(r => new { r.PostId, r.EmployeeId });
            recipient.HasIndex(r => r.EmployeeId).HasDatabaseName("IX_feed_recipients_EmployeeId");
        });
        model.Entity<ResponsibleRotation>(rotation =>
        {
            rotation.ToTable("responsible_rotations");
            rotation.HasKey(r => r.Key);
        });
        model.Entity<UserList>(list =>
        {
            list.ToTable("user_lists");
            list.Property(l => l.Fields).HasJsonConversion();
        });
        model.Entity<UserListItem>(item =>
        {
            item.ToTable("user_list_items");
            item.Property(i => i.Values).HasJsonConversion();
            item.HasIndex(i => new { i.ListId, i.Id }).HasDatabaseName("IX_user_list_items_ListId_Id");
            item.HasOne<UserList>().WithMany().HasForeignKey(i => i.ListId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_user_list_items_user_lists_ListId");
        });
        BuildDocuments(model);
        model.Entity<EmployeeMessage>(message =>
        {
            message.ToTable("employee_messages");
            message.Property(m => m.Channel).HasConversion<string>();
            message.Property(m => m.Status).HasConversion<string>();
            message.HasIndex(m => m.IdempotencyKey).IsUnique().HasDatabaseName("IX_employee_messages_IdempotencyKey");
            message.HasIndex(m => new { m.Status, m.Id }).HasDatabaseName("IX_employee_messages_Status_Id");
        });
        model.Entity<OrderTask>(task =>
        {
            task.ToTable("tasks");
            task.Property(t => t.Priority).HasConversion<string>();
            task.Property(t => t.Auditors).HasJsonConversion();
            task.Property(t => t.Checklist).HasJsonConversion();
            task.HasIndex(t => new { t.OrderId, t.Id }).HasDatabaseName("IX_tasks_OrderId_Id");
            task.HasIndex(t => new { t.ResponsibleId, t.Id }).HasDatabaseName("IX_tasks_ResponsibleId_Id");
            task.HasOne<Order>().WithMany().HasForeignKey(t => t.OrderId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_tasks_orders_OrderId");
        });
        model.Entity<TaskAuditor>(auditor =>
        {
            auditor.ToTable("task_auditors");
            auditor.HasKey(a => new { a.TaskId, a.EmployeeId });
            auditor.HasIndex(a => a.EmployeeId).HasDatabaseName("IX_task_auditors_EmployeeId");
            auditor.HasOne<OrderTask>().WithMany().HasForeignKey(a => a.TaskId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_task_auditors_tasks_TaskId");
        });
    }

    private static void BuildDocuments(ModelBuilder model)
    {
        model.Entity<DocumentTemplate>(template =>
        {
            template.ToTable("document_templates");
            template.Property(t => t.Kind).HasConversion<string>();
        });
        model.Entity<CrmDocument>(document =>
        {
            document.ToTable("documents");
            document.HasIndex(d => new { d.OrderId, d.Id }).HasDatabaseName("IX_documents_OrderId_Id");
            document.HasIndex(d => d.TemplateId).HasDatabaseName("IX_documents_TemplateId");
            document.HasIndex(d => d.PublicToken).IsUnique().HasFilter("\"PublicToken\" IS NOT NULL").HasDatabaseName("IX_documents_PublicToken");
            document.HasOne<Order>().WithMany().HasForeignKey(d => d.OrderId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_documents_orders_OrderId");
            document.HasOne<DocumentTemplate>().WithMany().HasForeignKey(d => d.TemplateId).OnDelete(DeleteBehavior.Restrict)
                .HasConstraintName("FK_documents_document_templates_TemplateId");
            document.Property(d => d.Output).HasConversion<string>();
        });
        // Migration 20261123000100_StoreDocumentFiles: template kinds and files, document outputs and their files.
        model.Entity<DocumentFile>(file =>
        {
            file.ToTable("document_files");
            file.Property(f => f.Format).HasConversion<string>();
            file.Property(f => f.Status).HasConversion<string>();
            file.HasIndex(f => new { f.DocumentId, f.Format }).IsUnique().HasDatabaseName("IX_document_files_DocumentId_Format");
            file.HasIndex(f => new { f.Status, f.Id }).HasDatabaseName("IX_document_files_Status_Id");
            file.HasOne<CrmDocument>().WithMany().HasForeignKey(f => f.DocumentId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("FK_document_files_documents_DocumentId");
        });
    }
}
