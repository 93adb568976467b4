using System.Data.Common;
using Automation.Workflows.Persistence.Rows;

namespace Automation.Workflows.Persistence;

/// The connection one unit of work writes through, from its start to its commit or rollback. On SQLite it is the
/// database's single writer connection, held under the in-process write gate; on PostgreSQL a pooled connection.
internal sealed class WriteSession(DbConnection connection, CommandCache? commands, Func<bool, bool, ValueTask> end)
{
    public DbConnection Connection { get; } = connection;

    /// Prepared hot-path commands that outlive the session (SQLite's writer); null when commands are made per use.
    public CommandCache? Commands { get; } = commands;

    public bool Ended { get; private set; }

    /// Gives the connection back. <paramref name="healthy"/> false drops it instead of reusing it.
    public async ValueTask EndAsync(bool healthy, bool committed = false)
    {
        if (Ended) return;
        Ended = true;
        await end(healthy, committed);
    }
}
