using System.Data.Common;

namespace Automation.Workflows.Persistence.Rows;

/// Hot-path commands of one long-lived connection, each prepared once and reused with new parameter values.
internal sealed class CommandCache : IAsyncDisposable
{
    private readonly Dictionary<Statement, DbCommand> _commands = new(ReferenceEqualityComparer.Instance);

    public DbCommand Get(Statement statement, DbConnection connection)
    {
        if (_commands.TryGetValue(statement, out var command)) return command;
        command = statement.Create(connection);
        _commands[statement] = command;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values) await command.DisposeAsync();
        _commands.Clear();
    }
}
