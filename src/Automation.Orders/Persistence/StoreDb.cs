using System.Data.Common;
using Automation.Orders.Activities;
using Automation.Orders.Clients;
using Automation.Orders.Counters;
using Automation.Orders.Documents;
using Automation.Orders.Employees;
using Automation.Orders.Events;
using Automation.Orders.Feed;
using Automation.Orders.Lists;
using Automation.Orders.Notifications;
using Automation.Orders.Orders;
using Automation.Orders.Outbox;
using Automation.Orders.Payments;
using Automation.Orders.Secrets;
using Automation.Orders.Shipments;
using Automation.Orders.Tasks;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Automation.Orders.Persistence;

/// The store's EF Core context. It keeps its own migrations history table so it can share a database (and a
/// connection and transaction) with the other modules' contexts.
public sealed class StoreDb(DbContextOptions<StoreDb> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__store_migrations";

    public DbSet<Order> Orders => Set<Order>();
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<ClientEmail> ClientEmails => Set<ClientEmail>();
    public DbSet<ClientPhone> ClientPhones => Set<ClientPhone>();
    public DbSet<Employee> Employees => Set<Employee>();
    public DbSet<TimelineEntry> TimelineEntries => Set<TimelineEntry>();
    public DbSet<InboxEvent> InboxEvents => Set<InboxEvent>();
    public DbSet<CodeCounter> CodeCounters => Set<CodeCounter>();
    public DbSet<SharedSecret> SharedSecrets => Set<SharedSecret>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<CrmActivity> CrmActivities => Set<CrmActivity>();
    public DbSet<FeedPost> FeedPosts => Set<FeedPost>();
    public DbSet<ResponsibleRotation> ResponsibleRotations => Set<ResponsibleRotation>();
    public DbSet<UserList> UserLists => Set<UserList>();
    public DbSet<UserListItem> UserListItems => Set<UserListItem>();
    public DbSet<DocumentTemplate> DocumentTemplates => Set<DocumentTemplate>();
    public DbSet<CrmDocument> CrmDocuments => Set<CrmDocument>();
    public DbSet<DocumentFile> DocumentFiles => Set<DocumentFile>();
    public DbSet<EmployeeMessage> EmployeeMessages => Set<EmployeeMessage>();
    public DbSet<OrderTask> Tasks => Set<OrderTask>();
    public DbSet<TaskAuditor> TaskAuditors => Set<TaskAuditor>();

    // Asked on every compiled query and row lock; a context's provider never changes (a pool serves one provider).
    private DatabaseProvider? _provider;

    public DatabaseProvider Provider => _provider ??= Database.IsNpgsql() ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;

    /// A context with its own connection, opened and closed by EF Core as needed.
    public static StoreDb Create(string connectionString, DatabaseProvider provider) =>
        new(new DbContextOptionsBuilder<StoreDb>().UseStore(connectionString, provider).Options);

    /// A context on a connection someone else owns (and does not dispose), enlisted in their transaction if given,
    /// so the store's changes commit or roll back together with theirs.
    /// autonomous: where a statement that must commit by itself (a counter drawn outside the caller's transaction) gets
    /// its connection; null to draw counters in the transaction.
    /// savedAtCommit: the context takes part in a unit of work that saves it in full when it commits
    /// (<see cref="SavedAtCommit"/>).
    public static StoreDb Create(DbConnection connection, DbTransaction? transaction, DatabaseProvider provider,
        Func<CancellationToken, Task<DbConnection?>>? autonomous = null, bool savedAtCommit = false)
    {
        // From a pool, handed the connection: a context built from scratch resolves a hundred-odd services of its own,
        // a noticeable share of an event's time in the write gate. Disposing the context returns it to the pool.
        var db = (provider == DatabaseProvider.PostgreSql ? PostgresPool : SqlitePool).CreateDbContext();
        db._loadedWhole.Clear();
        db._watchingWhole = false;
        db._appended.Clear();
        db._heldRows.Clear();
        db._heldIn = null;
        db.Autonomous = autonomous;
        db.SavedAtCommit = savedAtCommit;
        db.LastSaveWasPrepared = false;
        db.LastReadByQuery = false;
        db.Database.SetDbConnection(connection);
        if (transaction is not null) db.Database.UseTransaction(transaction);
        return db;
    }

    private static readonly PooledDbContextFactory<StoreDb> SqlitePool =
        new(new DbContextOptionsBuilder<StoreDb>().UseStoreWithoutConnection(DatabaseProvider.Sqlite).Options);

    private static readonly PooledDbContextFactory<StoreDb> PostgresPool =
        new(new DbContextOptionsBuilder<StoreDb>().UseStoreWithoutConnection(DatabaseProvider.PostgreSql).Options);

    // Aggregates this context loaded with all their children, by type and id; forgotten when detached or deleted.
    private readonly Dictionary<(Type, long), object> _loadedWhole = [];
    private bool _watchingWhole;

    /// An aggregate (an order with its shipments and payments, a client with its contacts): the instance this context
    /// already loaded whole and still tracks, else read by the query and remembered. Asking EF Core instead whether it is
    /// tracked with its collections loaded (DbSet.Local, IsLoaded) detects changes first, a cost on every event's path.
    public async Task<T?> WholeAsync<T>(long id, StoreAggregate<T> read, CancellationToken ct) where T : class
    {
        if (_loadedWhole.GetValueOrDefault((typeof(T), id)) is T tracked) return tracked;
        var aggregate = await read.ReadTrackedAsync(this, id, ct);
        if (aggregate is null) return null;
        if (!_watchingWhole)
        {
            // Once per rental: a pooled context may or may not keep its handlers when returned.
            ChangeTracker.StateChanged -= ForgetWhole;
            ChangeTracker.StateChanged += ForgetWhole;
            _watchingWhole = true;
        }
        _loadedWhole[(typeof(T), id)] = aggregate;
        return aggregate;
    }

    /// The aggregate this context loaded whole and still tracks, as the unit's changes left it; null when it was not
    /// loaded whole, or was deleted or detached since. No query.
    public T? HeldWhole<T>(long id) where T : class => _loadedWhole.GetValueOrDefault((typeof(T), id)) as T;

    private void ForgetWhole(object? sender, EntityStateChangedEventArgs e)
    {
        if (e.NewState is not (EntityState.Detached or EntityState.Deleted) || _loadedWhole.Count == 0) return;
        foreach (var (key, loaded) in _loadedWhole)
            if (ReferenceEquals(loaded, e.Entry.Entity)) _loadedWhole.Remove(key);
    }

    // Rows the current transaction holds locked and has read as last committed (PostgreSQL): locked by RowLocks, or
    // updated by a save whose concurrency token matched. Locking or re-reading them again in it would change nothing.
    private readonly HashSet<(Type, object)> _heldRows = [];
    private DbTransaction? _heldIn;

    /// Whether the current transaction already holds this row (see <see cref="Hold"/>).
    internal bool Holds(Type type, object key) =>
        _heldIn is not null && _heldIn == Database.CurrentTransaction?.GetDbTransaction() && _heldRows.Contains((type, key));

    /// Notes that the current transaction holds this row locked, as last committed, until it ends.
    internal void Hold(Type type, object key)
    {
        var current = Database.CurrentTransaction?.GetDbTransaction();
        if (current is null) return;
        if (_heldIn != current) _heldRows.Clear();
        _heldIn = current;
        _heldRows.Add((type, key));
    }

    /// Whether the unit of work this context takes part in saves it in full (detecting every change) when it commits.
    /// A change may then leave to that save what nothing needs written earlier: the order's own flags when a payment
    /// is recorded are written together with the status move and rules it causes, in one UPDATE.
    public bool SavedAtCommit { get; private set; }

    /// Where a statement that commits by itself gets its connection (PostgreSQL units of work), or null.
    internal Func<CancellationToken, Task<DbConnection?>>? Autonomous { get; private set; }

    /// Whether the last SaveChangesAsync wrote through <see cref="PreparedSave"/> rather than EF Core (for tests).
    internal bool LastSaveWasPrepared { get; set; }

    /// Whether the last aggregate read (<see cref="StoreAggregate{T}"/>) went through EF Core's query rather than the
    /// prepared statements (for tests).
    internal bool LastReadByQuery { get; set; }

    // Rows staged by Append, in the order they were appended.
    private readonly List<object> _appended = [];

    /// Stages a row that is only ever inserted, never changed (a timeline entry), for the next save, without EF Core's
    /// change tracking: tracking a row costs a snapshot when it is added, a comparison on every later save of the unit
    /// and another when the save is accepted, and a payment adds four such rows. The next save inserts it and sets its
    /// generated key; until then it is not tracked, and queries do not see it (<see cref="Appended{T}"/> does).
    public void Append(object row) => _appended.Add(row);

    /// The rows of a type staged by Append and not saved yet.
    public IEnumerable<T> Appended<T>() => _appended.OfType<T>();

    /// Drops staged rows that are no longer to be inserted (those of an order being deleted).
    public void ForgetAppended<T>(Func<T, bool> forget) => _appended.RemoveAll(row => row is T typed && forget(typed));

    internal IReadOnlyList<object> AppendedRows => _appended;

    /// After a save that wrote the staged rows: nothing is left to append.
    internal void AppendedSaved() => _appended.Clear();

    // For a save EF Core makes: the staged rows become added entities that it inserts and tracks from then on.
    private void TrackAppended()
    {
        foreach (var row in _appended) Entry(row).State = EntityState.Added;
        _appended.Clear();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TrackAppended();
        BumpOrderVersions();
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try { return base.SaveChanges(acceptAllChangesOnSuccess); }
        finally { ChangeTracker.AutoDetectChangesEnabled = detect; }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpOrderVersions();
        // BumpOrderVersions has just detected the changes; scanning every tracked entity again is pure cost.
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            LastSaveWasPrepared = false;
            if (await PreparedSave.TrySaveAsync(this, acceptAllChangesOnSuccess, cancellationToken) is { } written) return written;
            TrackAppended();
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally { ChangeTracker.AutoDetectChangesEnabled = detect; }
    }

    /// Saves what the context already knows changed (rows added since the last save) without detecting changes to the
    /// tracked entities first, for a save that follows another at once and only adds rows (an event naming ids the first
    /// save generated). Detecting changes compares every property of every tracked entity, and a payment saved twice in
    /// a row paid for it twice. A tracked entity changed in between is not lost: the next full save detects it. A change
    /// that needs EF Core's own save falls back to a full save. With appended false, the rows staged by
    /// <see cref="Append"/> wait for the next save, which writes them with those staged after them in one statement.
    public async Task<int> SaveAddedAsync(CancellationToken cancellationToken, bool appended = true)
    {
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            LastSaveWasPrepared = false;
            if (await PreparedSave.TrySaveAsync(this, acceptAllChangesOnSuccess: true, cancellationToken, appended) is { } written) return written;
        }
        finally { ChangeTracker.AutoDetectChangesEnabled = detect; }
        return await SaveChangesAsync(cancellationToken);
    }

    /// Runs work in the current transaction, or in a new one committed at the end, so that several SaveChanges
    /// (e.g. a payment and the event naming its generated id) land together or not at all.
    public async Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (Database.CurrentTransaction is not null) return await work(cancellationToken);
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        var result = await work(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) => StoreModel.Build(modelBuilder);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite()) configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>();
        else configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }

    /// Every change to an order row moves its version on; the UPDATE checks the version it was read with.
    private void BumpOrderVersions()
    {
        ChangeTracker.DetectChanges();
        foreach (var entry in TrackedWithoutDetecting<Order>())
        {
            if (entry.State != EntityState.Modified) continue;
            var version = entry.Property<long>(nameof(Order.Version)); // by name: the lambda overload builds an expression tree per call
            if (!version.IsModified) version.CurrentValue = version.OriginalValue + 1;
        }
    }

    /// The tracked entries of a type as they stand, without the full DetectChanges that ChangeTracker.Entries runs
    /// first (it compares every property of every tracked entity): for callers that have just detected, or that look
    /// only at entities they added.
    public IReadOnlyList<EntityEntry<T>> TrackedWithoutDetecting<T>() where T : class
    {
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try { return ChangeTracker.Entries<T>().ToList(); }
        finally { ChangeTracker.AutoDetectChangesEnabled = detect; }
    }
}
