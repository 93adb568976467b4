using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Automation.Orders.Persistence.Migrations;

/// Task auditors one row each (task_auditors), so that `GET /api/tasks?auditorId=` filters in the database; the rows
/// of tasks created before are taken from their Auditors JSON list.
[DbContext(typeof(StoreDb))]
[Migration("20261123000000_StoreTaskAuditors")]
public sealed class StoreTaskAuditors : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "task_auditors",
            columns: table => new
            {
                TaskId = table.Column<long>(nullable: false),
                EmployeeId = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_task_auditors", x => new { x.TaskId, x.EmployeeId });
                table.ForeignKey("FK_task_auditors_tasks_TaskId", x => x.TaskId, "tasks", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_task_auditors_EmployeeId", "task_auditors", "EmployeeId");
        migrationBuilder.Sql(migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL"
            ? """
              INSERT INTO task_auditors ("TaskId", "EmployeeId")
              SELECT DISTINCT t."Id", a.value::bigint FROM tasks t CROSS JOIN LATERAL jsonb_array_elements_text(t."Auditors"::jsonb) AS a(value)
              """
            : """
              INSERT OR IGNORE INTO task_auditors ("TaskId", "EmployeeId")
              SELECT t."Id", a.value FROM tasks t, json_each(t."Auditors") AS a
              """);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("task_auditors");
}
