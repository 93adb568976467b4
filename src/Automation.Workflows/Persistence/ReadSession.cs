using System.Data;
using System.Data.Common;
using Automation.Workflows.Persistence.Rows;

namespace Automation.Workflows.Persistence;

/// A connection for reads outside a step (the bookmarks a stimulus resumes, a request handler's reads). On SQLite one
/// of a few kept-open connections whose prepared statements outlive the session; on PostgreSQL a pooled connection.
public sealed class ReadSession : ICommandSource, IAsyncDisposable
{
    private readonly CommandCache? _commands;
    private readonly Func<bool, ValueTask> _end;
    private readonly List<DbCommand> _ownCommands = [];

    internal ReadSession(DbConnection connection, CommandCache? commands, Func<bool, ValueTask> end) =>
        (Connection, _commands, _end) = (connection, commands, end);

    /// The open connection, for the session's reads only; given back (or closed) when the session is disposed.
    public DbConnection Connection { get; }

    DbCommand ICommandSource.Command(Statement statement)
    {
        var command = _commands?.Get(statement, Connection);
        if (command is null) _ownCommands.Add(command = statement.Create(Connection));
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _ownCommands) await command.DisposeAsync();
        await _end(Connection.State == ConnectionState.Open);
    }
}
