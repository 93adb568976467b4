using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Automation.Channels.Persistence.Migrations;

/// The channels' first schema, for SQLite and PostgreSQL alike: column types are left to each provider.
[DbContext(typeof(ChannelsDb))]
[Migration("20261201000000_ChannelsInitial")]
public sealed class ChannelsInitial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        CreateOutbox(migrationBuilder);
        CreateInboundMail(migrationBuilder);
        CreateTrackingLinks(migrationBuilder);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("tracking_links");
        migrationBuilder.DropTable("inbound_mail");
        migrationBuilder.DropTable("outbox_messages");
    }

    private static void CreateOutbox(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "outbox_messages",
            columns: table => new
            {
                Id = Identity(table),
                Channel = table.Column<string>(nullable: false),
                Recipient = table.Column<string>(nullable: false),
                Sender = table.Column<string>(nullable: true),
                Payload = table.Column<string>(nullable: false),
                OrderId = table.Column<long>(nullable: true),
                IdempotencyKey = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                NextAttemptAt = table.Column<DateTimeOffset>(nullable: false),
                LockedUntil = table.Column<DateTimeOffset>(nullable: true),
                LockedBy = table.Column<string>(nullable: true),
                LastError = table.Column<string>(nullable: true),
                ProviderMessageId = table.Column<string>(nullable: true),
                ProviderStatus = table.Column<string>(nullable: true),
                SentAt = table.Column<DateTimeOffset>(nullable: true),
                FailedAt = table.Column<DateTimeOffset>(nullable: true),
                NotifiedAt = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_outbox_messages", x => x.Id));
        migrationBuilder.CreateIndex("IX_outbox_messages_IdempotencyKey", "outbox_messages", "IdempotencyKey", unique: true);
        migrationBuilder.CreateIndex("IX_outbox_messages_Status_NextAttemptAt", "outbox_messages", ["Status", "NextAttemptAt"]);
        migrationBuilder.CreateIndex("IX_outbox_messages_OrderId", "outbox_messages", "OrderId");
        migrationBuilder.CreateIndex("IX_outbox_messages_ProviderMessageId", "outbox_messages", "ProviderMessageId");
        migrationBuilder.CreateIndex("IX_outbox_messages_Channel_Id", "outbox_messages", ["Channel", "Id"]);
    }

    private static void CreateInboundMail(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "inbound_mail",
            columns: table => new
            {
                Id = Identity(table),
                DedupKey = table.Column<string>(nullable: false),
                ReceivedAt = table.Column<DateTimeOffset>(nullable: false),
                EnvelopeFrom = table.Column<string>(nullable: false),
                EnvelopeTo = table.Column<string>(nullable: false),
                RemoteAddress = table.Column<string>(nullable: true),
                Helo = table.Column<string>(nullable: true),
                Raw = table.Column<byte[]>(nullable: false),
                MessageId = table.Column<string>(nullable: true),
                InReplyTo = table.Column<string>(nullable: true),
                FromAddress = table.Column<string>(nullable: true),
                FromName = table.Column<string>(nullable: true),
                Subject = table.Column<string>(nullable: true),
                TextBody = table.Column<string>(nullable: true),
                HtmlBody = table.Column<string>(nullable: true),
                Attachments = table.Column<string>(nullable: false),
                Problems = table.Column<string>(nullable: true),
                OrderId = table.Column<long>(nullable: true),
                NotifiedAt = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_inbound_mail", x => x.Id));
        migrationBuilder.CreateIndex("IX_inbound_mail_DedupKey", "inbound_mail", "DedupKey", unique: true);
        migrationBuilder.CreateIndex("IX_inbound_mail_OrderId", "inbound_mail", "OrderId");
        migrationBuilder.CreateIndex("IX_inbound_mail_NotifiedAt", "inbound_mail", "NotifiedAt");
    }

    private static void CreateTrackingLinks(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "tracking_links",
            columns: table => new
            {
                Id = Identity(table),
                Token = table.Column<string>(nullable: false),
                Kind = table.Column<string>(nullable: false),
                Url = table.Column<string>(nullable: true),
                OutboxMessageId = table.Column<long>(nullable: false),
                OrderId = table.Column<long>(nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(nullable: false),
                FirstHitAt = table.Column<DateTimeOffset>(nullable: true),
                LastHitAt = table.Column<DateTimeOffset>(nullable: true),
                Hits = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_tracking_links", x => x.Id);
                table.ForeignKey("FK_tracking_links_outbox_messages_OutboxMessageId", x => x.OutboxMessageId, "outbox_messages", "Id",
                    onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_tracking_links_Token", "tracking_links", "Token", unique: true);
        migrationBuilder.CreateIndex("IX_tracking_links_OutboxMessageId", "tracking_links", "OutboxMessageId");
    }

    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
