using System.Data.Common;
using System.Diagnostics;
using Automation.Workflows.Persistence.Rows;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;

namespace Automation.Workflows.Persistence;

/// SQLite's one writer, shared by the units of work of this process one at a time, with group commit.
///
/// Units pass through an in-process gate (waiting here beats spinning on SQLITE_BUSY) and write through one kept
/// connection. Each unit runs inside a savepoint of a transaction that several units may share: a unit that finishes
/// while others wait at the gate releases its savepoint and hands the gate and the open transaction on; the last unit
/// of the group (no one waiting, or the group is full or old enough) commits it, and only then is every unit of the
/// group told that its work is committed. A commit writes each page it changed to the log once, so units that follow
/// each other (the same right-most leaves of the same tables and indexes) share most of those writes.
///
/// - A unit that fails rolls back to its savepoint: the other units of its group keep their work.
/// - A unit is never told that its work is stored before the commit is; if the commit fails, every unit of the group
///   is told so and nothing of the group is stored. A unit may have read what an earlier unit of its group wrote
///   before that was committed, but then both commit or neither does.
/// - Anyone else taking the gate (the checkpointer, a caller that stopped waiting, disposal) commits the open group
///   first, so a group never waits for a unit that is not coming.
/// - A unit waiting for its group's commit holds nothing the writer needs; units take no other lock once they hold
///   the gate, so the group always finishes.
internal sealed class SqliteWriter : IAsyncDisposable
{
    /// Units committed together at most.
    public const int MaxGroupUnits = 16;

    /// How long the first unit of a group waits for the others at most: the price of a group is that its first unit is
    /// told of its commit only when the last is done.
    public static readonly TimeSpan DefaultMaxGroupWait = TimeSpan.FromMilliseconds(5);

    private const string UnitSavepoint = "unit_of_work";

    private readonly string _connectionString;
    private readonly WriterGate _gate = new();
    // Units waiting for the gate: the gate's own queue also holds the checkpointer, and a checkpoint waiting is no
    // reason to hand an open group on (it would commit the group itself and then hold this unit's thread).
    private int _waiting;
    private KeptSqliteConnection? _connection;
    private Group? _group; // under the gate only
    private long _commits;

    public SqliteWriter(string connectionString, long logLimitBytes)
    {
        _connectionString = connectionString;
        Checkpointer = new WalCheckpointer(connectionString, this, logLimitBytes);
    }

    public WalCheckpointer Checkpointer { get; }

    /// Transactions committed by the writer (a group of units counts once): for tests and diagnostics.
    public long Commits => Interlocked.Read(ref _commits);

    /// Units of work waiting for the gate (for tests).
    public int Waiting => Volatile.Read(ref _waiting);

    /// How long the first unit of a group waits for the others at most (tests make it long, so that their groups form
    /// however slow the machine).
    public TimeSpan MaxGroupWait { get; set; } = DefaultMaxGroupWait;

    /// Opens a unit's share of the writer: waits for the gate, then joins the open transaction or begins one.
    public async Task<WriteSession> BeginAsync(CancellationToken ct)
    {
        await AcquireAsync(ct);
        var acquired = Stopwatch.GetTimestamp();
        Group? group = null;
        try
        {
            var connection = _connection ??= await KeptSqliteConnection.OpenAsync(_connectionString, ct);
            group = _group ??= new Group((SqliteTransaction)await connection.Connection.BeginTransactionAsync(ct));
            // The first unit of a group needs no savepoint: its failure rolls the whole transaction back, which holds
            // nothing else. (A savepoint makes SQLite keep a copy of every page the unit changes.)
            var savepoint = group.Members > 0;
            if (savepoint) await group.Transaction.SaveAsync(UnitSavepoint, CancellationToken.None);
            return new Session(this, connection, group, savepoint, acquired);
        }
        catch
        {
            // Units of the group waiting for its commit must not wait for ever: commit it (a failed savepoint wrote
            // nothing), or give up the connection if it is broken.
            await LetGoAsync(group, joined: false, healthy: true, acquired);
            throw;
        }
    }

    /// Holds the gate for work that is not a unit (a checkpoint that must start the log over), once the open group is committed.
    public async Task<IAsyncDisposable> HoldAsync()
    {
        await _gate.EnterAsync();
        var held = new Held(this, Stopwatch.GetTimestamp());
        try
        {
            await CommitOpenGroupAsync();
            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    private sealed class Held(SqliteWriter writer, long acquired) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                EngineMetrics.RecordWriterHeld(acquired, "checkpoint");
                writer._gate.Exit(inline: false);
            }
            return ValueTask.CompletedTask;
        }
    }

    private async Task AcquireAsync(CancellationToken ct)
    {
        if (_gate.TryEnter()) return;
        Interlocked.Increment(ref _waiting);
        try
        {
            await _gate.EnterAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // The holder may have handed its group on because this caller was waiting: commit it now.
            Interlocked.Decrement(ref _waiting);
            await using (await HoldAsync()) { }
            throw;
        }
        Interlocked.Decrement(ref _waiting);
    }

    /// Called by the gate's holder when its unit is done (joined: its work is part of the group): hands the gate and
    /// the open group on when someone waits and the group may grow, else commits it. Always lets go of the gate.
    private async Task LetGoAsync(Group? group, bool joined, bool healthy, long acquired)
    {
        var handedOn = false;
        try
        {
            if (group is null) return;
            if (!healthy)
            {
                await LoseGroupAsync(group, new InvalidOperationException("The SQLite writer's connection failed while units of work were waiting for their commit; they are not stored."));
                return;
            }
            if (joined && group.Members++ == 0) group.FirstDone = Stopwatch.GetTimestamp();
            handedOn = group.Members > 0 && Volatile.Read(ref _waiting) > 0 && group.Members < MaxGroupUnits
                && Stopwatch.GetElapsedTime(group.FirstDone) < MaxGroupWait;
            if (!handedOn) await CommitAsync(group);
        }
        finally
        {
            EngineMetrics.RecordWriterHeld(acquired, "unit");
            // A unit that handed its group on waits for that group's commit, which the next unit brings nearer: its
            // thread runs the next unit. One whose group is committed has its answer to give: the next unit goes to
            // the thread pool.
            _gate.Exit(inline: handedOn);
        }
    }

    private async Task CommitOpenGroupAsync()
    {
        if (_group is { } group) await CommitAsync(group);
    }

    private async Task CommitAsync(Group group)
    {
        _group = null;
        try
        {
            if (group.Members == 0) await group.Transaction.RollbackAsync(CancellationToken.None);
            else await group.Transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception failure) when (failure is DbException or InvalidOperationException)
        {
            await LoseGroupAsync(group, failure);
            return;
        }
        if (group.Members > 0)
        {
            Interlocked.Increment(ref _commits);
            EngineMetrics.CommitUnits.Record(group.Members);
            for (var i = 0; i < group.Members; i++) Checkpointer.Committed();
        }
        group.Done.TrySetResult();
        await group.Transaction.DisposeAsync();
    }

    /// The group's transaction cannot be committed: every unit waiting for it is told, and a connection that cannot
    /// roll back is closed (the next unit opens a new one).
    private async Task LoseGroupAsync(Group group, Exception failure)
    {
        _group = null;
        group.Done.TrySetException(failure);
        try
        {
            // SQLite may have rolled it back by itself (a full disk, say): then this throws and the connection goes.
            await group.Transaction.RollbackAsync(CancellationToken.None);
            await group.Transaction.DisposeAsync();
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            var broken = _connection;
            _connection = null;
            if (broken is not null) await broken.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.EnterAsync();
        try
        {
            await CommitOpenGroupAsync();
            if (_connection is { } connection) await connection.DisposeAsync();
            _connection = null;
        }
        finally
        {
            _gate.Exit(inline: false);
        }
    }

    /// An open transaction and the units that will be committed by it.
    private sealed class Group(SqliteTransaction transaction)
    {
        public SqliteTransaction Transaction { get; } = transaction;
        public int Members { get; set; }

        /// When the first unit finished its work (and began to wait for the group's commit).
        public long FirstDone { get; set; }

        /// Completed when the group is committed (or failed), after the gate has moved on: continuations run on the pool.
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Session(SqliteWriter writer, KeptSqliteConnection connection, Group group, bool savepoint, long acquired) : WriteSession
    {
        private bool _ended;

        public override DbConnection Connection => connection.Connection;
        public override DbTransaction Transaction => group.Transaction;
        public override CommandCache? Commands => connection.Commands;
        public override bool Ended => _ended;

        public override async Task CommitAsync(CancellationToken ct)
        {
            if (_ended) throw new InvalidOperationException("This unit of work has already let go of the writer.");
            var healthy = true;
            try
            {
                if (savepoint) await group.Transaction.ReleaseAsync(UnitSavepoint, CancellationToken.None);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                healthy = false;
                throw;
            }
            finally
            {
                _ended = true;
                await writer.LetGoAsync(group, joined: healthy, healthy, acquired);
            }
            await group.Done.Task;
        }

        public override async ValueTask EndAsync()
        {
            if (_ended) return;
            _ended = true;
            var healthy = true;
            try
            {
                // Without a savepoint the unit is the group's only one: letting go rolls the whole transaction back.
                if (savepoint)
                {
                    await group.Transaction.RollbackAsync(UnitSavepoint, CancellationToken.None);
                    await group.Transaction.ReleaseAsync(UnitSavepoint, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                healthy = false; // a connection that can't roll back is not handed to the next unit
            }
            await writer.LetGoAsync(group, joined: false, healthy, acquired);
        }
    }
}
