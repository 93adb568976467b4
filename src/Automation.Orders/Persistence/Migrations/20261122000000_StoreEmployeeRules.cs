using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Automation.Orders.Persistence.Migrations;

/// What the employee rules need: client details, CRM activities, the company feed, round-robin rotations, user lists,
/// document templates and documents, the employee message outbox and tasks.
[DbContext(typeof(StoreDb))]
[Migration("20261122000000_StoreEmployeeRules")]
public sealed class StoreEmployeeRules : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "Details", table: "clients", nullable: false, defaultValue: "{}");
        CreateActivitiesAndTasks(migrationBuilder);
        CreateFeed(migrationBuilder);
        CreateListsAndRotations(migrationBuilder);
        CreateDocuments(migrationBuilder);
        CreateOutbox(migrationBuilder);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[]
        {
            "employee_messages", "documents", "document_templates", "user_list_items", "user_lists", "responsible_rotations",
            "feed_recipients", "feed_posts", "tasks", "crm_activities",
        })
        {
            migrationBuilder.DropTable(table);
        }
        migrationBuilder.DropColumn(name: "Details", table: "clients");
    }

    private static void CreateActivitiesAndTasks(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "crm_activities",
            columns: table => new
            {
                Id = Identity(table),
                OrderId = table.Column<long>(nullable: false),
                Kind = table.Column<string>(nullable: false),
                Subject = table.Column<string>(nullable: false),
                Description = table.Column<string>(nullable: true),
                ResponsibleId = table.Column<long>(nullable: true),
                StartAt = table.Column<DateTimeOffset>(nullable: true),
                EndAt = table.Column<DateTimeOffset>(nullable: true),
                ReminderMinutes = table.Column<int>(nullable: true),
                IsImportant = table.Column<bool>(nullable: false),
                AutoCompleteStatus = table.Column<string>(nullable: true),
                IsCompleted = table.Column<bool>(nullable: false),
                CompletedAt = table.Column<DateTimeOffset>(nullable: true),
                CompletedReason = table.Column<string>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_crm_activities", x => x.Id);
                table.ForeignKey("FK_crm_activities_orders_OrderId", x => x.OrderId, "orders", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_crm_activities_OrderId_Id", "crm_activities", ["OrderId", "Id"]);

        migrationBuilder.CreateTable(
            name: "tasks",
            columns: table => new
            {
                Id = Identity(table),
                OrderId = table.Column<long>(nullable: true),
                Title = table.Column<string>(nullable: false),
                Description = table.Column<string>(nullable: true),
                ResponsibleId = table.Column<long>(nullable: false),
                CreatedById = table.Column<long>(nullable: true),
                Auditors = table.Column<string>(nullable: false),
                Deadline = table.Column<DateTimeOffset>(nullable: true),
                Priority = table.Column<string>(nullable: false),
                Checklist = table.Column<string>(nullable: false),
                IsCompleted = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                ClosedAt = table.Column<DateTimeOffset>(nullable: true),
                ClosedById = table.Column<long>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_tasks", x => x.Id);
                table.ForeignKey("FK_tasks_orders_OrderId", x => x.OrderId, "orders", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_tasks_OrderId_Id", "tasks", ["OrderId", "Id"]);
        migrationBuilder.CreateIndex("IX_tasks_ResponsibleId_Id", "tasks", ["ResponsibleId", "Id"]);
    }

    private static void CreateFeed(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "feed_posts",
            columns: table => new
            {
                Id = Identity(table),
                AuthorId = table.Column<long>(nullable: true),
                Title = table.Column<string>(nullable: false),
                Text = table.Column<string>(nullable: false),
                OrderId = table.Column<long>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_feed_posts", x => x.Id));

        migrationBuilder.CreateTable(
            name: "feed_recipients",
            columns: table => new
            {
                PostId = table.Column<long>(nullable: false),
                EmployeeId = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_feed_recipients", x => new { x.PostId, x.EmployeeId });
                table.ForeignKey("FK_feed_recipients_feed_posts_PostId", x => x.PostId, "feed_posts", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_feed_recipients_EmployeeId", "feed_recipients", "EmployeeId");
    }

    private static void CreateListsAndRotations(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "responsible_rotations",
            columns: table => new
            {
                Key = table.Column<string>(nullable: false),
                LastEmployeeId = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_responsible_rotations", x => x.Key));

        migrationBuilder.CreateTable(
            name: "user_lists",
            columns: table => new
            {
                Id = Identity(table),
                Name = table.Column<string>(nullable: false),
                Fields = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_user_lists", x => x.Id));

        migrationBuilder.CreateTable(
            name: "user_list_items",
            columns: table => new
            {
                Id = Identity(table),
                ListId = table.Column<long>(nullable: false),
                Values = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_user_list_items", x => x.Id);
                table.ForeignKey("FK_user_list_items_user_lists_ListId", x => x.ListId, "user_lists", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_user_list_items_ListId_Id", "user_list_items", ["ListId", "Id"]);
    }

    private static void CreateDocuments(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "document_templates",
            columns: table => new
            {
                Id = Identity(table),
                Name = table.Column<string>(nullable: false),
                Body = table.Column<string>(nullable: false),
                NumberFormat = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_document_templates", x => x.Id));

        migrationBuilder.CreateTable(
            name: "documents",
            columns: table => new
            {
                Id = Identity(table),
                OrderId = table.Column<long>(nullable: false),
                TemplateId = table.Column<long>(nullable: false),
                Number = table.Column<string>(nullable: false),
                Title = table.Column<string>(nullable: false),
                Html = table.Column<string>(nullable: false),
                PublicToken = table.Column<string>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_documents", x => x.Id);
                table.ForeignKey("FK_documents_orders_OrderId", x => x.OrderId, "orders", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_documents_document_templates_TemplateId", x => x.TemplateId, "document_templates", "Id",
                    onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("IX_documents_OrderId_Id", "documents", ["OrderId", "Id"]);
        migrationBuilder.CreateIndex("IX_documents_TemplateId", "documents", "TemplateId");
        migrationBuilder.CreateIndex("IX_documents_PublicToken", "documents", "PublicToken", unique: true, filter: "\"PublicToken\" IS NOT NULL");
    }

    private static void CreateOutbox(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "employee_messages",
            columns: table => new
            {
                Id = Identity(table),
                Channel = table.Column<string>(nullable: false),
                EmployeeId = table.Column<long>(nullable: false),
                Address = table.Column<string>(nullable: false),
                Subject = table.Column<string>(nullable: true),
                Text = table.Column<string>(nullable: false),
                OrderId = table.Column<long>(nullable: true),
                IdempotencyKey = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                Error = table.Column<string>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                SentAt = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_employee_messages", x => x.Id));
        migrationBuilder.CreateIndex("IX_employee_messages_IdempotencyKey", "employee_messages", "IdempotencyKey", unique: true);
        migrationBuilder.CreateIndex("IX_employee_messages_Status_Id", "employee_messages", ["Status", "Id"]);
    }

    /// A generated long key: AUTOINCREMENT on SQLite, GENERATED BY DEFAULT AS IDENTITY on PostgreSQL.
    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
