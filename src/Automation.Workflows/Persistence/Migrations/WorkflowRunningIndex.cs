using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Automation.Workflows.Persistence.Migrations;

/// The instances' index by status becomes a partial index of the running ones by when they were last written: the only
/// lookup by status is the sweep for stranded instances, oldest first, and an instance that finishes or waits within its
/// step (most do) no longer writes a page of it.
[DbContext(typeof(WorkflowDb))]
[Migration("20261125000000_WorkflowRunningIndex")]
public sealed class WorkflowRunningIndex : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.DropIndex("IX_wf_instances_Status", "wf_instances");
        m.CreateIndex(WorkflowDb.RunningIndex, "wf_instances", "UpdatedAt", filter: WorkflowDb.RunningFilter);
    }

    protected override void Down(MigrationBuilder m)
    {
        m.DropIndex(WorkflowDb.RunningIndex, "wf_instances");
        m.CreateIndex("IX_wf_instances_Status", "wf_instances", "Status");
    }
}
