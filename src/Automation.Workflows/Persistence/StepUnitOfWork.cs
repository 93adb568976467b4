using System.Data.Common;
using Automation.Workflows.Persistence.Rows;
using Microsoft.EntityFrameworkCore;

namespace Automation.Workflows.Persistence;

/// The database work of one step (or of several operations that must commit together, such as an order leaving
/// one status and entering the next). The transaction is open from the start and every participating module's
/// DbContext is enlisted in it, so whatever anyone saves during the step commits or rolls back with the step.
/// Actions that must follow a commit (scheduling timers) run after it.
public sealed class StepUnitOfWork : IAsyncDisposable, ICommandSource
{
    // The units of work begun in this flow, newest first. Set by the (not async) BeginAsync in its caller's flow before
    // the unit opens: a value an async method sets does not reach its caller, so a unit set there was never seen.
    private static readonly AsyncLocal<Slot?> Current = new();

    private sealed class Slot(Slot? previous)
    {
        public Slot? Previous { get; } = previous;
        public StepUnitOfWork? Unit { get; set; }

        /// This slot or the newest earlier one whose unit still holds its connection.
        public static Slot? Open(Slot? slot)
        {
            while (slot is not null && slot.Unit is not { _committed: false, _session.Ended: false }) slot = slot.Previous;
            return slot;
        }
    }

    private readonly Slot _slot;

    /// Whether a unit of work begun in this flow still holds its connection (not committed or disposed yet).
    internal static bool OpenInThisFlow => Slot.Open(Current.Value) is not null;

    private readonly WorkflowDatabase _database;
    private readonly Dictionary<Type, DbContext> _contexts = [];
    private readonly List<Func<DbConnection, DbTransaction, CancellationToken, Task>> _beforeSave = [];
    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];
    private readonly Dictionary<string, StepRows> _steps = new(StringComparer.Ordinal);
    private readonly List<DbCommand> _ownCommands = [];
    private readonly WriteSession _session;
    private WorkflowDb? _workflows;
    private bool _committed;

    private StepUnitOfWork(WorkflowDatabase database, WriteSession session, Slot slot)
    {
        _database = database;
        _session = session;
        _slot = slot;
    }

    /// Opens the step's transaction. On SQLite the writer is this unit's until commit or dispose, so that steps never
    /// interleave their writes (SqliteWriter: one writer, group commit).
    internal static Task<StepUnitOfWork> BeginAsync(WorkflowDatabase database, CancellationToken ct)
    {
        var open = Slot.Open(Current.Value);
        if (database.Provider == DatabaseProvider.Sqlite && open?.Unit is { Provider: DatabaseProvider.Sqlite })
            throw new InvalidOperationException("A unit of work is already open in this flow: pass it down instead of opening another (it would wait for itself).");
        var slot = new Slot(open);
        Current.Value = slot;
        return OpenAsync(database, slot, ct);
    }

    private static async Task<StepUnitOfWork> OpenAsync(WorkflowDatabase database, Slot slot, CancellationToken ct)
    {
        var work = new StepUnitOfWork(database, await database.OpenWriteSessionAsync(ct), slot);
        slot.Unit = work;
        return work;
    }

    /// The step's connection; a committed unit of work has given it back (on SQLite the next step writes through it).
    public DbConnection Connection => _session.Ended
        ? throw new InvalidOperationException("This unit of work is finished; begin a new one.")
        : _session.Connection;
    public DbTransaction Transaction => _session.Transaction;
    public DatabaseProvider Provider => _database.Provider;
    public bool IsCommitted => _committed;

    /// The engine's EF context on this step's connection and transaction, made when first asked for (the engine's own
    /// hot path writes with plain commands and needs none).
    public WorkflowDb Workflows => _workflows ??= CreateWorkflows();

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

    /// SQL to run inside the transaction before the contexts save.
    internal void BeforeSave(Func<DbConnection, DbTransaction, CancellationToken, Task> action) => _beforeSave.Add(action);

    /// A step's rows, written when this unit of work commits. Several steps of one instance fold into one write.
    internal void Stage(StepRows rows) =>
        _steps[rows.Instance.Id] = _steps.TryGetValue(rows.Instance.Id, out var earlier) ? earlier.Then(rows) : rows;

    /// What steps of this unit have staged for an instance (null when none): later steps in the unit start from it.
    internal StepRows? Staged(string instanceId) => _steps.GetValueOrDefault(instanceId);

    /// The instances steps of this unit have staged, with their state as the unit will write it.
    internal IEnumerable<InstanceRecord> StagedInstances => _steps.Values.Select(s => s.Instance);

    /// A command for a hot-path statement in this transaction: prepared once per write connection on SQLite.
    internal DbCommand Command(Statement statement)
    {
        var command = _session.Commands?.Get(statement, Connection);
        if (command is null) _ownCommands.Add(command = statement.Create(Connection));
        command.Transaction = Transaction;
        return command;
    }

    DbCommand ICommandSource.Command(Statement statement) => Command(statement);

    /// Work that must happen only once the step is durable.
    public void AfterCommit(Func<CancellationToken, Task> action) => _afterCommit.Add(action);

    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_committed) throw new InvalidOperationException("This unit of work was already committed.");
        foreach (var action in _beforeSave) await action(Connection, Transaction, ct);
        foreach (var step in _steps.Values) await step.RemoveBookmarksAsync(this, ct);
        // SaveChanges detects the changes itself and touches nothing when there are none; asking HasChanges first
        // detected them twice.
        foreach (var context in _contexts.Values) await context.SaveChangesAsync(ct);
        if (_workflows is not null) await _workflows.SaveChangesAsync(ct);
        foreach (var step in _steps.Values) await step.WriteAsync(this, ct);
        // What was made on the connection goes first: on SQLite the next unit may take the writer as soon as this one
        // is done with it.
        await LetGoOfConnectionAsync();
        // Durable when it returns (on SQLite possibly committed together with the units that followed this one).
        await _session.CommitAsync(ct);
        _committed = true;
        foreach (var action in _afterCommit) await action(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_slot.Unit == this) _slot.Unit = null;
        if (_session.Ended) return;
        await LetGoOfConnectionAsync();
        await _session.EndAsync(); // rolls back what was not committed
    }

    /// Lets go of everything made on the connection: commands of its own and the modules' contexts.
    private async ValueTask LetGoOfConnectionAsync()
    {
        foreach (var command in _ownCommands) await command.DisposeAsync();
        _ownCommands.Clear();
        foreach (var context in _contexts.Values) await context.DisposeAsync();
        _contexts.Clear();
        if (_workflows is not null) await _workflows.DisposeAsync();
        _workflows = null;
    }

    private WorkflowDb CreateWorkflows()
    {
        var db = WorkflowDb.Create(Connection, _database.Provider);
        db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        db.Database.UseTransaction(Transaction);
        return db;
    }
}
