using System.Diagnostics;

namespace Automation.Orders.Persistence;

/// The statements the store runs past EF Core (PreparedSave, StoreAggregate), published the way EF Core publishes its
/// own commands (a DiagnosticListener event with the command's text), so that a tracer or a test sees every statement.
/// Costs nothing while nobody listens.
public static class StoreDiagnostics
{
    public const string ListenerName = "Automation.Orders.Persistence";

    /// The event's name; its payload is the statement's SQL text.
    public const string StatementExecuted = "StatementExecuted";

    private static readonly DiagnosticListener Listener = new(ListenerName);

    internal static void Executed(string sql)
    {
        if (Listener.IsEnabled(StatementExecuted)) Listener.Write(StatementExecuted, sql);
    }
}
