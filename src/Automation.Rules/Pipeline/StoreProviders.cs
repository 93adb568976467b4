using StoreProvider = Automation.Orders.Persistence.DatabaseProvider;
using WorkflowProvider = Automation.Workflows.Persistence.DatabaseProvider;

namespace Automation.Rules.Pipeline;

/// The store's name for the database the engine runs on (the two modules cannot share one enum: Orders does not
/// reference the engine).
public static class StoreProviders
{
    public static StoreProvider Of(WorkflowProvider provider) =>
        provider == WorkflowProvider.Sqlite ? StoreProvider.Sqlite : StoreProvider.PostgreSql;
}
