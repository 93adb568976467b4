using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Automation.Orders.Persistence.Migrations;

/// The store's first schema, for SQLite and PostgreSQL alike: column types are left to each provider.
[DbContext(typeof(StoreDb))]
[Migration("20261121000000_StoreInitial")]
public sealed class StoreInitial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        CreateClients(migrationBuilder);
        CreateEmployees(migrationBuilder);
        CreateOrders(migrationBuilder);
        CreateShipmentsAndPayments(migrationBuilder);
        CreateTimeline(migrationBuilder);
        CreateInboxAndCounters(migrationBuilder);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[]
        {
            "notifications", "code_counters", "inbox_events", "timeline_entries", "payments", "shipments", "orders",
            "employees", "client_phones", "client_emails", "clients",
        })
        {
            migrationBuilder.DropTable(table);
        }
    }

    private static void CreateClients(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "clients",
            columns: table => new
            {
                Id = Identity(table),
                Kind = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: false),
                VisitorId = table.Column<string>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_clients", x => x.Id));
        migrationBuilder.CreateIndex("IX_clients_VisitorId", "clients", "VisitorId");

        migrationBuilder.CreateTable(
            name: "client_emails",
            columns: table => new
            {
                Id = Identity(table),
                ClientId = table.Column<long>(nullable: false),
                Value = table.Column<string>(nullable: false),
                Type = table.Column<string>(nullable: false),
                Normalized = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_client_emails", x => x.Id);
                table.ForeignKey("FK_client_emails_clients_ClientId", x => x.ClientId, "clients", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_client_emails_Normalized", "client_emails", "Normalized");
        migrationBuilder.CreateIndex("IX_client_emails_ClientId", "client_emails", "ClientId");

        migrationBuilder.CreateTable(
            name: "client_phones",
            columns: table => new
            {
                Id = Identity(table),
                ClientId = table.Column<long>(nullable: false),
                Value = table.Column<string>(nullable: false),
                Type = table.Column<string>(nullable: false),
                Digits = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_client_phones", x => x.Id);
                table.ForeignKey("FK_client_phones_clients_ClientId", x => x.ClientId, "clients", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_client_phones_Digits", "client_phones", "Digits");
        migrationBuilder.CreateIndex("IX_client_phones_ClientId", "client_phones", "ClientId");
    }

    private static void CreateEmployees(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "employees",
            columns: table => new
            {
                Id = Identity(table),
                Name = table.Column<string>(nullable: false),
                Email = table.Column<string>(nullable: false),
                Phone = table.Column<string>(nullable: true),
                ManagerId = table.Column<long>(nullable: true),
                IsAbsent = table.Column<bool>(nullable: false),
                IsActive = table.Column<bool>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_employees", x => x.Id));
        migrationBuilder.CreateIndex("IX_employees_Email", "employees", "Email", unique: true);

        migrationBuilder.CreateTable(
            name: "notifications",
            columns: table => new
            {
                Id = Identity(table),
                EmployeeId = table.Column<long>(nullable: false),
                OrderId = table.Column<long>(nullable: true),
                Text = table.Column<string>(nullable: false),
                SenderId = table.Column<long>(nullable: true),
                At = table.Column<DateTimeOffset>(nullable: false),
                IsRead = table.Column<bool>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_notifications", x => x.Id);
                table.ForeignKey("FK_notifications_employees_EmployeeId", x => x.EmployeeId, "employees", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_notifications_EmployeeId_Id", "notifications", ["EmployeeId", "Id"]);
    }

    private static void CreateOrders(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "orders",
            columns: table => new
            {
                Id = Identity(table),
                Number = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                ResponsibleId = table.Column<long>(nullable: true),
                ClientId = table.Column<long>(nullable: false),
                Items = table.Column<string>(nullable: false),
                Amount = table.Column<decimal>(nullable: false),
                Currency = table.Column<string>(nullable: false),
                IsPaid = table.Column<bool>(nullable: false),
                IsShipped = table.Column<bool>(nullable: false),
                IsCanceled = table.Column<bool>(nullable: false),
                CancelReason = table.Column<string>(nullable: true),
                DeliveryAllowed = table.Column<bool>(nullable: false),
                Fields = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(nullable: false),
                StatusChangedAt = table.Column<DateTimeOffset>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_orders", x => x.Id);
                table.ForeignKey("FK_orders_clients_ClientId", x => x.ClientId, "clients", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("IX_orders_Number", "orders", "Number", unique: true);
        migrationBuilder.CreateIndex("IX_orders_Status_Id", "orders", ["Status", "Id"]);
        migrationBuilder.CreateIndex("IX_orders_ClientId", "orders", "ClientId");
    }

    private static void CreateShipmentsAndPayments(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "shipments",
            columns: table => new
            {
                Id = Identity(table),
                OrderId = table.Column<long>(nullable: false),
                DeliveryService = table.Column<string>(nullable: false),
                TrackingNumber = table.Column<string>(nullable: true),
                Status = table.Column<string>(nullable: false),
                Approved = table.Column<bool>(nullable: false),
                Shipped = table.Column<bool>(nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_shipments", x => x.Id);
                table.ForeignKey("FK_shipments_orders_OrderId", x => x.OrderId, "orders", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_shipments_OrderId", "shipments", "OrderId");

        migrationBuilder.CreateTable(
            name: "payments",
            columns: table => new
            {
                Id = Identity(table),
                OrderId = table.Column<long>(nullable: false),
                Amount = table.Column<decimal>(nullable: false),
                Currency = table.Column<string>(nullable: false),
                Paid = table.Column<bool>(nullable: false),
                PaySystem = table.Column<string>(nullable: true),
                ExternalId = table.Column<string>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_payments", x => x.Id);
                table.ForeignKey("FK_payments_orders_OrderId", x => x.OrderId, "orders", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_payments_OrderId", "payments", "OrderId");
    }

    private static void CreateTimeline(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "timeline_entries",
            columns: table => new
            {
                Id = Identity(table),
                OrderId = table.Column<long>(nullable: false),
                Kind = table.Column<string>(nullable: false),
                Text = table.Column<string>(nullable: false),
                Author = table.Column<string>(nullable: true),
                Data = table.Column<string>(nullable: false),
                At = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_timeline_entries", x => x.Id);
                table.ForeignKey("FK_timeline_entries_orders_OrderId", x => x.OrderId, "orders", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_timeline_entries_OrderId_Id", "timeline_entries", ["OrderId", "Id"]);
    }

    private static void CreateInboxAndCounters(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "inbox_events",
            columns: table => new
            {
                Id = Identity(table),
                Type = table.Column<string>(nullable: false),
                OrderId = table.Column<long>(nullable: true),
                ClientRef = table.Column<string>(nullable: true),
                Data = table.Column<string>(nullable: false),
                IdempotencyKey = table.Column<string>(nullable: true),
                ReceivedAt = table.Column<DateTimeOffset>(nullable: false),
                ProcessedAt = table.Column<DateTimeOffset>(nullable: true),
                Outcome = table.Column<string>(nullable: true),
                LockedUntil = table.Column<DateTimeOffset>(nullable: true),
                Attempts = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_inbox_events", x => x.Id));
        migrationBuilder.CreateIndex("IX_inbox_events_IdempotencyKey", "inbox_events", "IdempotencyKey", unique: true,
            filter: "\"IdempotencyKey\" IS NOT NULL");
        migrationBuilder.CreateIndex("IX_inbox_events_ProcessedAt_Id", "inbox_events", ["ProcessedAt", "Id"]);
        migrationBuilder.CreateIndex("IX_inbox_events_OrderId", "inbox_events", "OrderId");

        migrationBuilder.CreateTable(
            name: "code_counters",
            columns: table => new
            {
                Name = table.Column<string>(nullable: false),
                Value = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_code_counters", x => x.Name));
    }

    /// A generated long key: AUTOINCREMENT on SQLite, GENERATED BY DEFAULT AS IDENTITY on PostgreSQL.
    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
