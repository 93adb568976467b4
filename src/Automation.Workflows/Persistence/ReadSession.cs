using System.Data;
using System.Data.Common;
using Automation.Workflows.Persistence.Rows;

namespace Automation.Workflows.Persistence;

/// A connection for the hot path's reads outside a step (finding the bookmarks a stimulus resumes). On SQLite one of
/// a few kept-open connections with prepared statements; on PostgreSQL a pooled connection.
internal sealed class ReadSession(DbConnection connection, CommandCache? commands, Func<bool, ValueTask> end)
    : ICommandSource, IAsyncDisposable
{
    private readonly List<DbCommand> _ownCommands = [];

    public DbCommand Command(Statement statement)
    {
        var command = commands?.Get(statement, connection);
        if (command is null) _ownCommands.Add(command = statement.Create(connection));
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _ownCommands) await command.DisposeAsync();
        await end(connection.State == ConnectionState.Open);
    }
}
