using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Automation.Orders.Persistence.Migrations;

/// Secrets the nodes share (shared_secrets): the webhook secret once it has been rotated.
[DbContext(typeof(StoreDb))]
[Migration("20261124000000_StoreSharedSecrets")]
public sealed class StoreSharedSecrets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "shared_secrets",
            columns: table => new
            {
                Name = table.Column<string>(nullable: false),
                Value = table.Column<string>(nullable: false),
                ChangedAt = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_shared_secrets", x => x.Name));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("shared_secrets");
}
