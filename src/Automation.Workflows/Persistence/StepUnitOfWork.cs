using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Persistence;

/// The database work of one step (or of several operations that must commit together, such as an order leaving
/// one status and entering the next): the engine's changes and those of every participating module commit in one
/// transaction, and actions that must follow a commit (scheduling timers, running started instances) run after it.
public sealed class StepUnitOfWork : IAsyncDisposable
{
    private readonly WorkflowDatabase _database;
    private readonly Dictionary<Type, DbContext> _contexts = [];
    private readonly List<Func<DbConnection, DbTransaction, CancellationToken, Task>> _beforeSave = [];
    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];
    private bool _committed;

    internal StepUnitOfWork(WorkflowDatabase database, DbConnection connection)
    {
        _database = database;
        Connection = connection;
        Workflows = WorkflowDb.Create(connection, database.Provider);
        Workflows.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
    }

    public DbConnection Connection { get; }
    public DatabaseProvider Provider => _database.Provider;
    public WorkflowDb Workflows { get; }
    public bool IsCommitted => _committed;

    /// Instances with a step running in this unit of work (so that cancelling one from inside stops it in place).
    internal Dictionary<string, Runtime.WorkflowStep> ActiveSteps { get; } = new(StringComparer.Ordinal);

    /// A module's DbContext on this step's connection; its changes are saved in the step's transaction.
    public T Db<T>() where T : DbContext
    {
        if (_contexts.TryGetValue(typeof(T), out var existing)) return (T)existing;
        var created = (T)_database.CreateParticipant(typeof(T), Connection);
        _contexts[typeof(T)] = created;
        return created;
    }

    /// SQL to run inside the transaction before the contexts save (e.g. consuming a bookmark exactly once).
    internal void BeforeSave(Func<DbConnection, DbTransaction, CancellationToken, Task> action) => _beforeSave.Add(action);

    /// Work that must happen only once the step is durable.
    public void AfterCommit(Func<CancellationToken, Task> action) => _afterCommit.Add(action);

    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_committed) throw new InvalidOperationException("This unit of work was already committed.");
        var gate = _database.Provider == DatabaseProvider.Sqlite ? _database.WriteGate : null;
        if (gate is not null) await gate.WaitAsync(ct);
        try
        {
            await using var transaction = await Connection.BeginTransactionAsync(ct);
            foreach (var action in _beforeSave) await action(Connection, transaction, ct);
            foreach (var context in _contexts.Values.Append(Workflows))
            {
                if (!context.ChangeTracker.HasChanges()) continue;
                await context.Database.UseTransactionAsync(transaction, ct);
                await context.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
            _committed = true;
        }
        finally
        {
            gate?.Release();
        }
        foreach (var action in _afterCommit) await action(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts.Values) await context.DisposeAsync();
        await Workflows.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
