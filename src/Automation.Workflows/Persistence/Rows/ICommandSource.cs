using System.Data.Common;

namespace Automation.Workflows.Persistence.Rows;

/// Where hot-path statements get their commands: a step's unit of work, or a read session outside any step.
internal interface ICommandSource
{
    DbCommand Command(Statement statement);
}
