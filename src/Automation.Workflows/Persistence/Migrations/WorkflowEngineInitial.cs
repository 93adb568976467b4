using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Automation.Workflows.Persistence.Migrations;

/// The engine's schema. Hand-written (no EF design tooling restores here); column types are left to each provider.
[DbContext(typeof(WorkflowDb))]
[Migration("20261121000000_WorkflowEngineInitial")]
public sealed class WorkflowEngineInitial : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("wf_definitions", t => new
        {
            Id = t.Column<string>(nullable: false),
            DefinitionId = t.Column<string>(nullable: false),
            Version = t.Column<int>(nullable: false),
            Name = t.Column<string>(nullable: true),
            IsLatest = t.Column<bool>(nullable: false),
            IsPublished = t.Column<bool>(nullable: false),
            Json = t.Column<string>(nullable: false),
            CreatedAt = t.Column<long>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_wf_definitions", x => x.Id));
        m.CreateIndex("IX_wf_definitions_DefinitionId_Version", "wf_definitions", ["DefinitionId", "Version"], unique: true);

        m.CreateTable("wf_instances", t => new
        {
            Id = t.Column<string>(nullable: false),
            DefinitionId = t.Column<string>(nullable: false),
            DefinitionVersionId = t.Column<string>(nullable: false),
            Version = t.Column<int>(nullable: false),
            CorrelationId = t.Column<string>(nullable: true),
            Status = t.Column<string>(nullable: false),
            State = t.Column<string>(nullable: false),
            Faults = t.Column<int>(nullable: false),
            Message = t.Column<string>(nullable: true),
            CreatedAt = t.Column<long>(nullable: false),
            UpdatedAt = t.Column<long>(nullable: false),
            FinishedAt = t.Column<long>(nullable: true),
            Revision = t.Column<long>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_wf_instances", x => x.Id));
        m.CreateIndex("IX_wf_instances_CorrelationId", "wf_instances", "CorrelationId");
        m.CreateIndex("IX_wf_instances_Status", "wf_instances", "Status");

        m.CreateTable("wf_bookmarks", t => new
        {
            Id = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Hash = t.Column<string>(nullable: false),
            InstanceId = t.Column<string>(nullable: false),
            CorrelationId = t.Column<string>(nullable: true),
            ActivityId = t.Column<string>(nullable: false),
            Payload = t.Column<string>(nullable: true),
            ResumeAt = t.Column<long>(nullable: true),
            Data = t.Column<string>(nullable: true),
            CreatedAt = t.Column<long>(nullable: false),
        }, constraints: t => t.PrimaryKey("PK_wf_bookmarks", x => x.Id));
        m.CreateIndex("IX_wf_bookmarks_Hash", "wf_bookmarks", "Hash");
        m.CreateIndex("IX_wf_bookmarks_InstanceId", "wf_bookmarks", "InstanceId");
        m.CreateIndex("IX_wf_bookmarks_ResumeAt", "wf_bookmarks", "ResumeAt");

        m.CreateTable("wf_triggers", t => new
        {
            Id = t.Column<long>(nullable: false)
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            DefinitionId = t.Column<string>(nullable: false),
            DefinitionVersionId = t.Column<string>(nullable: false),
            Name = t.Column<string>(nullable: false),
            Hash = t.Column<string>(nullable: false),
            ActivityId = t.Column<string>(nullable: false),
            Payload = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_wf_triggers", x => x.Id));
        m.CreateIndex("IX_wf_triggers_Hash", "wf_triggers", "Hash");
        m.CreateIndex("IX_wf_triggers_Name", "wf_triggers", "Name");
        m.CreateIndex("IX_wf_triggers_DefinitionId", "wf_triggers", "DefinitionId");

        m.CreateTable("wf_journal", t => new
        {
            Id = t.Column<long>(nullable: false)
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            InstanceId = t.Column<string>(nullable: false),
            CorrelationId = t.Column<string>(nullable: true),
            ActivityId = t.Column<string>(nullable: false),
            ActivityType = t.Column<string>(nullable: false),
            ActivityName = t.Column<string>(nullable: true),
            Event = t.Column<string>(nullable: false),
            StartedAt = t.Column<long>(nullable: false),
            FinishedAt = t.Column<long>(nullable: false),
            Message = t.Column<string>(nullable: true),
            Data = t.Column<string>(nullable: true),
        }, constraints: t => t.PrimaryKey("PK_wf_journal", x => x.Id));
        m.CreateIndex("IX_wf_journal_InstanceId_Id", "wf_journal", ["InstanceId", "Id"]);
        m.CreateIndex("IX_wf_journal_CorrelationId_Id", "wf_journal", ["CorrelationId", "Id"]);
    }

    protected override void Down(MigrationBuilder m)
    {
        foreach (var table in new[] { "wf_journal", "wf_triggers", "wf_bookmarks", "wf_instances", "wf_definitions" })
            m.DropTable(table);
    }
}
