using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Persistence;

/// The database work of one step (or of several operations that must commit together, such as an order leaving
/// one status and entering the next). The transaction is open from the start and every participating module's
/// DbContext is enlisted in it, so whatever anyone saves during the step commits or rolls back with the step.
/// Actions that must follow a commit (scheduling timers) run after it.
public sealed class StepUnitOfWork : IAsyncDisposable
{
    private readonly WorkflowDatabase _database;
    private readonly Dictionary<Type, DbContext> _contexts = [];
    private readonly List<Func<DbConnection, DbTransaction, CancellationToken, Task>> _beforeSave = [];
    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];
    private readonly SemaphoreSlim? _gate;
    private bool _committed;
    private bool _gateHeld;

    private StepUnitOfWork(WorkflowDatabase database, DbConnection connection, DbTransaction transaction, SemaphoreSlim? gate)
    {
        _database = database;
        Connection = connection;
        Transaction = transaction;
        _gate = gate;
        _gateHeld = gate is not null;
        Workflows = WorkflowDb.Create(connection, database.Provider);
        Workflows.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        Workflows.Database.UseTransaction(transaction);
    }

    /// Opens the step's transaction. On SQLite the in-process write gate is held until commit or dispose, so that
    /// steps never interleave their writes (SQLite has one writer; waiting here beats spinning on SQLITE_BUSY).
    internal static async Task<StepUnitOfWork> BeginAsync(WorkflowDatabase database, CancellationToken ct)
    {
        var gate = database.Provider == DatabaseProvider.Sqlite ? database.WriteGate : null;
        if (gate is not null && Current.Value is { IsCommitted: false, Provider: DatabaseProvider.Sqlite })
            throw new InvalidOperationException("A unit of work is already open in this flow: pass it down instead of opening another (it would wait for itself).");
        if (gate is not null) await gate.WaitAsync(ct);
        DbConnection? connection = null;
        try
        {
            connection = await database.OpenConnectionAsync(ct);
            var transaction = await connection.BeginTransactionAsync(ct);
            var work = new StepUnitOfWork(database, connection, transaction, gate);
            Current.Value = work;
            return work;
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync();
            gate?.Release();
            throw;
        }
    }

    private static readonly AsyncLocal<StepUnitOfWork?> Current = new();

    public DbConnection Connection { get; }
    public DbTransaction Transaction { get; }
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
        created.Database.UseTransaction(Transaction);
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
        try
        {
            foreach (var action in _beforeSave) await action(Connection, Transaction, ct);
            foreach (var context in _contexts.Values.Append(Workflows))
                if (context.ChangeTracker.HasChanges()) await context.SaveChangesAsync(ct);
            await Transaction.CommitAsync(ct);
            _committed = true;
        }
        finally
        {
            ReleaseGate();
        }
        foreach (var action in _afterCommit) await action(ct);
    }

    private void ReleaseGate()
    {
        if (!_gateHeld) return;
        _gateHeld = false;
        _gate!.Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (Current.Value == this) Current.Value = null;
        if (!_committed) await Transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        await Transaction.DisposeAsync();
        ReleaseGate();
        foreach (var context in _contexts.Values) await context.DisposeAsync();
        await Workflows.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
