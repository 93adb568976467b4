using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Automation.Orders.Persistence;

/// Saves the common shape of a store change (rows added to one table each, rows updated by key) through statements
/// whose SQL is built once per entity type and column set, and prepared once per connection on SQLite (PostgreSQL's
/// data source prepares them itself). EF Core's SaveChanges builds its SQL, batches and result mapping anew on every
/// call: on the event path, three saves per payment, that was a fifth of the server's CPU, more than SQLite running
/// the statements. A change of any other shape (a delete, rows that need inserting in dependency order, a type mapped
/// in a way this does not handle, no open connection or transaction) is left to EF Core, which saves it as before.
///
/// It keeps SaveChanges' contract: the rows are written in EF Core's order (by table, then key, so that rows added to
/// one table get ids in the order they were added); a concurrency token that no longer matches throws
/// <see cref="DbUpdateConcurrencyException"/>; a failing statement throws <see cref="DbUpdateException"/> with the
/// provider's error inside, after rolling the save back to its savepoint so that the caller's transaction lives on;
/// generated keys are set and the entries accepted only once every statement succeeded.
internal static class PreparedSave
{
    private const string Savepoint = "prepared_save";

    // Per entity type: how it maps to its table, or null when this path does not handle the type.
    private static readonly ConcurrentDictionary<IEntityType, TableShape?> Shapes = new();

    // Per entity type, state and set of written columns: the statement's SQL.
    private static readonly ConcurrentDictionary<(IEntityType, EntityState, string), string> Sql = new();

    /// The number of rows written, or null when the change is not one this path handles (nothing was written).
    /// Expects the caller to have detected the changes.
    public static async Task<int?> TrySaveAsync(StoreDb db, bool acceptAllChangesOnSuccess, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open || db.Database.CurrentTransaction?.GetDbTransaction() is not { } transaction)
            return null;
        var sqlite = connection as SqliteConnection;
        var batched = sqlite is null && connection.CanCreateBatch;
        var writes = Plan(db, batched);
        if (writes is null) return null;
        db.LastSaveWasPrepared = true;
        if (writes.Count == 0) return 0;

        List<(EntityEntry Entry, IProperty Key, object Value)> keys;
        try
        {
            keys = batched ? await WriteBatchedAsync(connection, transaction, writes, ct) : await WriteOneByOneAsync(connection, sqlite, transaction, writes, ct);
        }
        catch (Exception error) when (error is DbException or DbUpdateException)
        {
            await RunAsync(connection, sqlite, transaction, "ROLLBACK TO SAVEPOINT " + Savepoint, CancellationToken.None);
            await RunAsync(connection, sqlite, transaction, "RELEASE SAVEPOINT " + Savepoint, CancellationToken.None);
            if (error is DbUpdateException) throw;
            throw new DbUpdateException($"Saving the store's changes failed: {error.Message}", error,
                writes.Select(w => w.Entry).ToArray());
        }
        // PostgreSQL: the savepoint stays until the transaction ends. Releasing it would cost a round trip and change
        // nothing: a later save's failure rolls back to its own, most recent savepoint of the same name.
        if (!batched) await RunAsync(connection, sqlite, transaction, "RELEASE SAVEPOINT " + Savepoint, ct);

        foreach (var (entry, key, value) in keys) entry.Property(key).CurrentValue = value;
        if (acceptAllChangesOnSuccess) db.ChangeTracker.AcceptAllChanges();
        return writes.Count;
    }

    /// SQLite (in-process, no round trips): the savepoint and each statement run one after the other, each prepared once
    /// per connection.
    private static async Task<List<(EntityEntry, IProperty, object)>> WriteOneByOneAsync(DbConnection connection, SqliteConnection? sqlite,
        DbTransaction transaction, List<Write> writes, CancellationToken ct)
    {
        await RunAsync(connection, sqlite, transaction, "SAVEPOINT " + Savepoint, ct);
        var keys = new List<(EntityEntry, IProperty, object)>();
        foreach (var write in writes)
        {
            var command = Command(connection, sqlite, transaction, write.Sql);
            Bind(command, command.Parameters, write);
            if (write.GeneratedKey is { } key)
            {
                var id = await command.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"Inserting into {write.Shape.Table} returned no key.");
                keys.Add((write.Entry, key, FromProvider(key, id)));
            }
            else if (await command.ExecuteNonQueryAsync(ct) != 1 && write.Entry.State == EntityState.Modified)
            {
                throw Conflict(write);
            }
            if (sqlite is null) await command.DisposeAsync();
        }
        return keys;
    }

    /// PostgreSQL: the savepoint and every statement go to the server in one batch, one round trip for the whole save
    /// (it was two per statement and two for the savepoint). Every statement returns a row: the generated key, or 1 for
    /// a row updated, so that a missing row shows as an empty result.
    private static async Task<List<(EntityEntry, IProperty, object)>> WriteBatchedAsync(DbConnection connection, DbTransaction transaction,
        List<Write> writes, CancellationToken ct)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        var savepoint = batch.CreateBatchCommand();
        savepoint.CommandText = "SAVEPOINT " + Savepoint;
        batch.BatchCommands.Add(savepoint);
        await using var parameters = connection.CreateCommand(); // makes the parameters, as EF Core's type mappings expect a command
        foreach (var write in writes)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = write.Sql;
            Bind(parameters, command.Parameters, write);
            batch.BatchCommands.Add(command);
        }
        var keys = new List<(EntityEntry, IProperty, object)>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var write in writes)
        {
            while (reader.FieldCount == 0 && await reader.NextResultAsync(ct))
            {
            }
            if (!await reader.ReadAsync(ct))
            {
                if (write.Entry.State == EntityState.Modified) throw Conflict(write);
                throw new InvalidOperationException($"Inserting into {write.Shape.Table} returned no row.");
            }
            if (write.GeneratedKey is { } key) keys.Add((write.Entry, key, FromProvider(key, reader.GetValue(0))));
            await reader.NextResultAsync(ct);
        }
        return keys;
    }

    private static void Bind(DbCommand maker, DbParameterCollection into, Write write)
    {
        var index = 0;
        foreach (var (property, original) in write.Parameters)
        {
            var value = original ? write.Entry.OriginalValues[property] : write.Entry.CurrentValues[property];
            into.Add(property.GetRelationalTypeMapping().CreateParameter(maker, "@p" + index++, value, property.IsNullable));
        }
    }

    private static DbUpdateConcurrencyException Conflict(Write write) =>
        new($"The {write.Shape.Table} row {write.Entry.CurrentValues[write.Shape.Key]} was changed or removed since it was read.");

    /// The statements that save the tracked changes, in EF Core's order; null when a change needs EF Core.
    private static List<Write>? Plan(StoreDb db, bool returnRows)
    {
        var writes = new List<Write>();
        HashSet<IEntityType>? added = null;
        foreach (var entry in db.TrackedWithoutDetecting<object>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State is not (EntityState.Added or EntityState.Modified)) return null;
            if (Shapes.GetOrAdd(entry.Metadata, TableShape.Of) is not { } shape) return null;
            var write = entry.State == EntityState.Added ? Insert(entry, shape, returnRows) : Update(entry, shape, returnRows);
            if (write is null) return null;
            if (entry.State == EntityState.Added) (added ??= []).Add(entry.Metadata);
            writes.Add(write);
        }
        // Added rows that may refer to other added rows (of another table, or of their own, such as an employee and
        // their manager) must go in in dependency order: EF Core sorts them.
        if (added is not null && added.Any(type => type.GetForeignKeys().Any(fk => added.Contains(fk.PrincipalEntityType)))) return null;
        writes.Sort(static (a, b) => a.CompareTo(b));
        return writes;
    }

    private static Write? Insert(EntityEntry entry, TableShape shape, bool returnRow)
    {
        var generated = shape.GeneratedKey is { } key && entry.Property(key).IsTemporary;
        var columns = new List<(IProperty, bool)>(shape.Columns.Count);
        foreach (var property in shape.Columns)
        {
            if (generated && property == shape.GeneratedKey) continue;
            // A reference to a row not yet inserted (its key still temporary) needs EF Core's ordering and fix-up.
            if (property.IsForeignKey() && entry.Property(property).IsTemporary) return null;
            columns.Add((property, false));
        }
        var sql = Sql.GetOrAdd((entry.Metadata, EntityState.Added, (generated ? "generated" : "all") + (returnRow ? "|row" : "")), _ =>
            $"INSERT INTO {shape.Table} ({string.Join(", ", columns.Select(c => Quote(shape.Column(c.Item1))))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})" +
            (generated ? $" RETURNING {Quote(shape.Column(shape.GeneratedKey!))}" : returnRow ? " RETURNING 1" : ""));
        return new Write(entry, shape, sql, columns, generated ? shape.GeneratedKey : null);
    }

    private static Write? Update(EntityEntry entry, TableShape shape, bool returnRow)
    {
        var set = new List<(IProperty, bool)>();
        foreach (var property in shape.Columns)
        {
            if (!entry.Property(property).IsModified) continue;
            // A changed reference may point at a row this save adds, which must be inserted first: EF Core orders that.
            if (property.IsPrimaryKey() || property.IsForeignKey()) return null;
            set.Add((property, false));
        }
        if (set.Count == 0) return null; // modified only in ways EF Core knows how to save (a shadow or owned value)
        var where = new List<(IProperty, bool)> { (shape.Key, false) };
        where.AddRange(shape.Tokens.Select(t => (t, true)));
        var signature = string.Join(",", set.Select(s => s.Item1.Name)) + (returnRow ? "|row" : "");
        var sql = Sql.GetOrAdd((entry.Metadata, EntityState.Modified, signature), _ =>
        {
            var i = 0;
            var assignments = string.Join(", ", set.Select(s => $"{Quote(shape.Column(s.Item1))} = @p{i++}"));
            var conditions = string.Join(" AND ", where.Select(w => $"{Quote(shape.Column(w.Item1))} = @p{i++}"));
            return $"UPDATE {shape.Table} SET {assignments} WHERE {conditions}" + (returnRow ? " RETURNING 1" : "");
        });
        return new Write(entry, shape, sql, [.. set, .. where], null);
    }

    private static DbCommand Command(DbConnection connection, SqliteConnection? sqlite, DbTransaction transaction, string sql)
    {
        DbCommand command;
        if (sqlite is not null) command = SqliteStatementCache.Instance.Statement(sqlite, sql); // made with its SQL, prepared once
        else (command = connection.CreateCommand()).CommandText = sql;
        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private static async Task RunAsync(DbConnection connection, SqliteConnection? sqlite, DbTransaction transaction, string sql, CancellationToken ct)
    {
        var command = Command(connection, sqlite, transaction, sql);
        await command.ExecuteNonQueryAsync(ct);
        if (sqlite is null) await command.DisposeAsync();
    }

    private static object FromProvider(IProperty key, object value)
    {
        var mapping = key.GetRelationalTypeMapping();
        var provider = mapping.Converter?.ProviderClrType ?? key.ClrType;
        var converted = Convert.ChangeType(value, Nullable.GetUnderlyingType(provider) ?? provider, System.Globalization.CultureInfo.InvariantCulture);
        return mapping.Converter is { } converter ? converter.ConvertFromProvider(converted)! : converted;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// One statement: the entry it writes, its SQL and its parameters (a property's current or original value).
    private sealed record Write(EntityEntry Entry, TableShape Shape, string Sql, List<(IProperty Property, bool Original)> Parameters, IProperty? GeneratedKey)
    {
        // EF Core's order: by table, inserts before updates, then by key (temporary keys grow in the order rows were added).
        public int CompareTo(Write other)
        {
            var byTable = string.CompareOrdinal(Shape.Table, other.Shape.Table);
            if (byTable != 0) return byTable;
            if (Entry.State != other.Entry.State) return Entry.State == EntityState.Added ? -1 : 1;
            return Comparer<object>.Default.Compare(Entry.CurrentValues[Shape.Key], other.Entry.CurrentValues[Shape.Key]);
        }
    }

    /// How an entity type maps to its table, for the types this path handles: one table of its own, a single-column
    /// key, no inheritance, owned or complex parts, and no value the database generates other than the key.
    private sealed class TableShape
    {
        private readonly StoreObjectIdentifier _table;

        private TableShape(IEntityType type, StoreObjectIdentifier table, IProperty key)
        {
            _table = table;
            Table = (type.GetSchema() is { } schema ? Quote(schema) + "." : "") + Quote(table.Name);
            Key = key;
            GeneratedKey = key.ValueGenerated == ValueGenerated.OnAdd ? key : null;
            Columns = type.GetProperties().ToList();
            Tokens = Columns.Where(p => p.IsConcurrencyToken).ToList();
        }

        public string Table { get; }
        public IProperty Key { get; }
        public IProperty? GeneratedKey { get; }
        public IReadOnlyList<IProperty> Columns { get; }
        public IReadOnlyList<IProperty> Tokens { get; }

        public string Column(IProperty property) => property.GetColumnName(_table)!;

        public static TableShape? Of(IEntityType type)
        {
            if (type.BaseType is not null || type.GetDirectlyDerivedTypes().Any() || type.IsOwned() || type.HasSharedClrType) return null;
            if (type.GetComplexProperties().Any() || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned())) return null;
            if (type.GetTableName() is not { } name || type.GetViewName() is not null || type.GetSqlQuery() is not null) return null;
            if (type.FindPrimaryKey() is not { Properties: [var key] }) return null;
            var table = StoreObjectIdentifier.Table(name, type.GetSchema());
            // Another type sharing the table (table splitting) is saved together with this one by EF Core.
            if (type.Model.GetEntityTypes().Any(other => other != type && other.GetTableName() == name && other.GetSchema() == type.GetSchema())) return null;
            if (type.GetProperties().Any(p => p != key && (p.ValueGenerated != ValueGenerated.Never || p.GetColumnName(table) is null))) return null;
            if (key.ValueGenerated is not (ValueGenerated.Never or ValueGenerated.OnAdd)) return null;
            return new TableShape(type, table, key);
        }
    }
}
