using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Automation.Orders.Persistence.Migrations;

/// The inbox's index by (ProcessedAt, Id) becomes a partial index of the events still to process: every query by it asks
/// for those, and an event stored already processed (most are) no longer writes a page of it.
[DbContext(typeof(StoreDb))]
[Migration("20261125000000_StoreUnprocessedInbox")]
public sealed class StoreUnprocessedInbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_inbox_events_ProcessedAt_Id", "inbox_events");
        migrationBuilder.CreateIndex(StoreModel.UnprocessedInboxIndex, "inbox_events", "Id", filter: "\"ProcessedAt\" IS NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(StoreModel.UnprocessedInboxIndex, "inbox_events");
        migrationBuilder.CreateIndex("IX_inbox_events_ProcessedAt_Id", "inbox_events", ["ProcessedAt", "Id"]);
    }
}
