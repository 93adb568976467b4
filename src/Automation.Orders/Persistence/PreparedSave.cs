using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.ChangeTracking.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
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
/// On SQLite the statements are bound by position and run through SQLitePCL (<see cref="SqliteRawStatement"/>) when
/// every value is of a type bound there as Microsoft.Data.Sqlite binds it, which binds by name, value by value.
///
/// Rows added to one table one after the other go in as one statement (`INSERT … VALUES (…), (…) RETURNING "Id"`): the
/// rules of one event add several timeline entries at once. Rows staged with <see cref="StoreDb.Append"/> are written
/// the same way, after the tracked rows added to their table, without ever being tracked.
///
/// It keeps SaveChanges' contract: the rows are written in EF Core's order (by table, then key, so that rows added to
/// one table get ids in the order they were added); a concurrency token that no longer matches throws
/// <see cref="DbUpdateConcurrencyException"/>; a failing statement throws <see cref="DbUpdateException"/> with the
/// provider's error inside, after rolling the save back to its savepoint so that the caller's transaction lives on;
/// generated keys are set and the entries accepted only once every statement succeeded.
internal static class PreparedSave
{
    private const string Savepoint = "prepared_save";

    // The statements, made once: an INSERT per entity type, key generated or given, row returned or not, and number of
    // rows; an UPDATE per entity type, set of changed columns (a bit per column of the table shape) and row returned
    // or not. Keys of values, so that looking a statement up on every save makes nothing.
    private static readonly ConcurrentDictionary<(IEntityType Type, bool Generated, bool ReturnRows, int Rows), Statement> Inserts = new();
    private static readonly ConcurrentDictionary<(IEntityType Type, ulong Set, bool ReturnRow), Statement> Updates = new();

    /// A statement's SQL and, for each row it writes, the values it binds in order (a property's current or original value).
    private sealed record Statement(string Sql, List<(IProperty Property, bool Original)> Parameters);

    /// Rows one INSERT writes at most; more added rows of a table take several statements.
    internal const int RowsPerInsert = 32;

    /// The number of rows written, or null when the change is not one this path handles (nothing was written).
    /// Expects the caller to have detected the changes.
    /// appended: whether the rows staged by StoreDb.Append go in too, or wait for a later save.
    public static async Task<int?> TrySaveAsync(StoreDb db, bool acceptAllChangesOnSuccess, CancellationToken ct, bool appended = true)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open || db.Database.CurrentTransaction?.GetDbTransaction() is not { } transaction)
            return null;
        var sqlite = connection as SqliteConnection;
        var batched = sqlite is null && connection.CanCreateBatch;
        var writes = Plan(db, batched, appended);
        if (writes is null) return null;
        db.LastSaveWasPrepared = true;
        if (writes.Count == 0) return 0;

        // On SQLite a statement that fails undoes its own changes and leaves the transaction usable, so a save of one
        // statement needs no savepoint (two statements fewer for the usual single-row save, such as an inbox event).
        // PostgreSQL aborts the whole transaction on any failed statement unless a savepoint catches it.
        var savepoint = batched || writes.Count > 1;
        List<(object Row, IProperty Key, object Value)> keys;
        try
        {
            keys = batched
                ? await WriteBatchedAsync(connection, transaction, writes, ct)
                : await WriteOneByOneAsync(connection, sqlite, transaction, writes, savepoint, ct);
        }
        catch (Exception error) when (error is DbException or DbUpdateException)
        {
            if (savepoint)
            {
                await RunAsync(connection, sqlite, transaction, "ROLLBACK TO SAVEPOINT " + Savepoint, CancellationToken.None);
                await RunAsync(connection, sqlite, transaction, "RELEASE SAVEPOINT " + Savepoint, CancellationToken.None);
            }
            if (error is DbUpdateException) throw;
            throw new DbUpdateException($"Saving the store's changes failed: {error.Message}", error,
                writes.SelectMany(w => w.Rows).OfType<EntityEntry>().ToArray());
        }
        // PostgreSQL: the savepoint stays until the transaction ends. Releasing it would cost a round trip and change
        // nothing: a later save's failure rolls back to its own, most recent savepoint of the same name.
        if (!batched && savepoint) await RunAsync(connection, sqlite, transaction, "RELEASE SAVEPOINT " + Savepoint, ct);

        foreach (var (row, key, value) in keys) SetKey(row, key, value);
        // PostgreSQL: an UPDATE whose concurrency token matched locked the row for the rest of the transaction, at its
        // latest values (RowLocks need not lock it again).
        if (sqlite is null)
            foreach (var write in writes)
                if (write is { State: EntityState.Modified, Shape.Tokens.Count: > 0 } && write.Rows[0] is EntityEntry updated)
                    db.Hold(write.Type.ClrType, updated.Property(write.Shape.Key).CurrentValue!);
        if (appended) db.AppendedSaved();
        if (acceptAllChangesOnSuccess) db.ChangeTracker.AcceptAllChanges();
        return writes.Sum(w => w.Rows.Count);
    }

    /// SQLite (in-process, no round trips): the savepoint and each statement run one after the other, each prepared once
    /// per connection.
    private static async Task<List<(object, IProperty, object)>> WriteOneByOneAsync(DbConnection connection, SqliteConnection? sqlite,
        DbTransaction transaction, List<Write> writes, bool savepoint, CancellationToken ct)
    {
        if (savepoint) await RunAsync(connection, sqlite, transaction, "SAVEPOINT " + Savepoint, ct);
        var keys = new List<(object, IProperty, object)>();
        foreach (var write in writes)
        {
            if (sqlite is not null && RawValues(write) is { } values)
            {
                StoreDiagnostics.Executed(write.Sql);
                var statement = SqliteStatementCache.Instance.Raw(sqlite, write.Sql);
                for (var i = 0; i < values.Length; i++) statement.Bind(i, values[i]);
                var returned = write.GeneratedKey is null ? null : new List<object>(write.Rows.Count);
                var changed = statement.Run(returned);
                if (write.GeneratedKey is { } generated) AddKeys(keys, write, generated, returned!);
                else if (changed != write.Rows.Count && write.State == EntityState.Modified) throw Conflict(write);
                continue;
            }
            var command = Command(connection, sqlite, transaction, write.Sql);
            Bind(command, command.Parameters, write);
            StoreDiagnostics.Executed(write.Sql);
            if (write.GeneratedKey is { } key)
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                var ids = new List<object>(write.Rows.Count);
                while (await reader.ReadAsync(ct)) ids.Add(reader.GetValue(0));
                AddKeys(keys, write, key, ids);
            }
            else if (await command.ExecuteNonQueryAsync(ct) != write.Rows.Count && write.State == EntityState.Modified)
            {
                throw Conflict(write);
            }
            if (sqlite is null) await command.DisposeAsync();
        }
        return keys;
    }

    // The keys one INSERT generated, given to its rows in the order they were written: keys are handed out in that
    // order (SQLite's rowid and PostgreSQL's identity both count up), while RETURNING promises no order of its own.
    private static void AddKeys(List<(object, IProperty, object)> keys, Write write, IProperty key, List<object> returned)
    {
        if (returned.Count != write.Rows.Count)
            throw new InvalidOperationException($"Inserting {write.Rows.Count} rows into {write.Shape.Table} returned {returned.Count} keys.");
        var values = returned.Select(id => FromProvider(key, id)).ToList();
        if (values.Count > 1) values.Sort(Comparer<object>.Default);
        for (var i = 0; i < values.Count; i++) keys.Add((write.Rows[i], key, values[i]));
    }

    // A row is a tracked entity's entry, or a row staged by StoreDb.Append (the object itself).
    private static object? Value(object row, IProperty property, bool original) => row switch
    {
        EntityEntry entry => original ? OriginalValue(entry, property) : CurrentValue(entry, property),
        _ => property.GetGetter().GetClrValueUsingContainingEntity(row),
    };

#pragma warning disable EF1001 // The entry's own values and flags: EntityEntry's public accessors (CurrentValues,
    // OriginalValues, Property(p)) make a new object on every call, one per parameter of every save.
    private static object? CurrentValue(EntityEntry entry, IProperty property) => Internal(entry).GetCurrentValue(property);

    private static object? OriginalValue(EntityEntry entry, IProperty property) => Internal(entry).GetOriginalValue(property);

    private static bool IsModified(EntityEntry entry, IProperty property) => Internal(entry).IsModified(property);

    private static bool IsTemporary(EntityEntry entry, IProperty property) => Internal(entry).HasTemporaryValue(property);

    private static InternalEntityEntry Internal(EntityEntry entry) => (InternalEntityEntry)entry.GetInfrastructure();
#pragma warning restore EF1001

    private static void SetKey(object row, IProperty key, object value)
    {
        if (row is EntityEntry entry) entry.Property(key).CurrentValue = value;
        else if (key.PropertyInfo is { CanWrite: true } property) property.SetValue(row, value);
        else key.FieldInfo!.SetValue(row, value);
    }

    /// PostgreSQL: the savepoint and every statement go to the server in one batch, one round trip for the whole save
    /// (it was two per statement and two for the savepoint). Every statement returns a row: the generated key, or 1 for
    /// a row updated, so that a missing row shows as an empty result.
    private static async Task<List<(object, IProperty, object)>> WriteBatchedAsync(DbConnection connection, DbTransaction transaction,
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
        var keys = new List<(object, IProperty, object)>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var write in writes) StoreDiagnostics.Executed(write.Sql);
        foreach (var write in writes)
        {
            while (reader.FieldCount == 0 && await reader.NextResultAsync(ct))
            {
            }
            var rows = new List<object>(write.Rows.Count);
            while (await reader.ReadAsync(ct)) rows.Add(reader.GetValue(0));
            if (rows.Count != write.Rows.Count)
            {
                if (write.State == EntityState.Modified) throw Conflict(write);
                throw new InvalidOperationException($"Inserting {write.Rows.Count} rows into {write.Shape.Table} returned {rows.Count}.");
            }
            if (write.GeneratedKey is { } key) AddKeys(keys, write, key, rows);
            await reader.NextResultAsync(ct);
        }
        return keys;
    }

    private static void Bind(DbCommand maker, DbParameterCollection into, Write write)
    {
        var index = 0;
        foreach (var row in write.Rows)
            foreach (var (property, original) in write.Parameters)
                into.Add(property.GetRelationalTypeMapping().CreateParameter(maker, TableShape.ParameterName(index++), Value(row, property, original), property.IsNullable));
    }

    /// The values a statement binds, as its columns' type mappings hand them to the provider (through their converters),
    /// in parameter order; null when one of them is of a type only Microsoft.Data.Sqlite binds.
    private static object?[]? RawValues(Write write)
    {
        var values = new object?[write.Rows.Count * write.Parameters.Count];
        var index = 0;
        foreach (var row in write.Rows)
            foreach (var (property, original) in write.Parameters)
            {
                var value = Value(row, property, original);
                if (value is not null && property.GetRelationalTypeMapping().Converter is { } converter) value = converter.ConvertToProvider(value);
                if (!SqliteRawStatement.CanBind(value)) return null;
                values[index++] = value;
            }
        return values;
    }

    private static DbUpdateConcurrencyException Conflict(Write write) =>
        new($"The {write.Shape.Table} row {Value(write.Rows[0], write.Shape.Key, original: false)} was changed or removed since it was read.");

    /// The statements that save the tracked changes, in EF Core's order; null when a change needs EF Core.
    private static List<Write>? Plan(StoreDb db, bool returnRows, bool appended)
    {
        var writes = new List<Write>();
        HashSet<IEntityType>? added = null;
        foreach (var entry in db.TrackedWithoutDetecting<object>())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached) continue;
            if (entry.State is not (EntityState.Added or EntityState.Modified)) return null;
            if (TableShape.For(entry.Metadata) is not { } shape) return null;
            var write = entry.State == EntityState.Added ? Insert(entry, shape, returnRows) : Update(entry, shape, returnRows);
            if (write is null) return null;
            if (entry.State == EntityState.Added) (added ??= []).Add(entry.Metadata);
            writes.Add(write);
        }
        for (var i = 0; appended && i < db.AppendedRows.Count; i++)
        {
            var row = db.AppendedRows[i];
            if (db.Model.FindEntityType(row.GetType()) is not { } type || TableShape.For(type) is not { GeneratedKey: { } key } shape) return null;
            var statement = InsertStatement(type, shape, generated: true, returnRows, rows: 1);
            writes.Add(new Write([row], EntityState.Added, type, shape, statement.Sql, statement.Parameters, key) { Appended = i });
            (added ??= []).Add(type);
        }
        // Added rows that may refer to other added rows (of another table, or of their own, such as an employee and
        // their manager) must go in in dependency order: EF Core sorts them.
        if (added is not null && added.Any(type => type.GetForeignKeys().Any(fk => added.Contains(fk.PrincipalEntityType)))) return null;
        writes.Sort(static (a, b) => a.CompareTo(b));
        return MergeInserts(writes, returnRows);
    }

    private static Write? Insert(EntityEntry entry, TableShape shape, bool returnRow)
    {
        var generated = shape.GeneratedKey is { } key && IsTemporary(entry, key);
        foreach (var property in shape.Columns)
        {
            // A reference to a row not yet inserted (its key still temporary) needs EF Core's ordering and fix-up.
            if (property.IsForeignKey() && IsTemporary(entry, property)) return null;
        }
        var statement = InsertStatement(entry.Metadata, shape, generated, returnRow, rows: 1);
        return new Write([entry], EntityState.Added, entry.Metadata, shape, statement.Sql, statement.Parameters, generated ? shape.GeneratedKey : null);
    }

    // Consecutive inserts into one table with the same columns become one statement of up to RowsPerInsert rows.
    private static List<Write> MergeInserts(List<Write> writes, bool returnRows)
    {
        var merged = new List<Write>(writes.Count);
        foreach (var write in writes)
        {
            if (merged.Count > 0 && merged[^1] is { State: EntityState.Added } last && write.State == EntityState.Added
                && last.Type == write.Type && last.Sql == write.Sql && last.Rows.Count < RowsPerInsert)
            {
                last.Rows.Add(write.Rows[0]);
                continue;
            }
            merged.Add(write with { Rows = [.. write.Rows] });
        }
        foreach (var write in merged)
            if (write.Rows.Count > 1)
                write.Sql = InsertStatement(write.Type, write.Shape, write.GeneratedKey is not null, returnRows, write.Rows.Count).Sql;
        return merged;
    }

    // The columns of every row, in the shape's order: all of them, less the key when the database generates it.
    private static Statement InsertStatement(IEntityType type, TableShape shape, bool generated, bool returnRows, int rows) =>
        Inserts.GetOrAdd((type, generated, returnRows, rows), _ =>
        {
            var columns = shape.Columns.Where(p => !(generated && p == shape.GeneratedKey)).Select(p => (p, false)).ToList();
            var values = Enumerable.Range(0, rows).Select(row => "(" + string.Join(", ", columns.Select((_, i) => TableShape.ParameterName(row * columns.Count + i))) + ")");
            var sql = $"INSERT INTO {shape.Table} ({string.Join(", ", columns.Select(c => TableShape.Quote(shape.Column(c.p))))}) VALUES {string.Join(", ", values)}" +
                (generated ? $" RETURNING {TableShape.Quote(shape.Column(shape.GeneratedKey!))}" : returnRows ? " RETURNING 1" : "");
            return new Statement(sql, columns);
        });

    private static Write? Update(EntityEntry entry, TableShape shape, bool returnRow)
    {
        if (shape.Columns.Count > 64) return null; // one bit per column
        var set = 0UL;
        for (var i = 0; i < shape.Columns.Count; i++)
        {
            var property = shape.Columns[i];
            if (!IsModified(entry, property)) continue;
            // A changed reference may point at a row this save adds, which must be inserted first: EF Core orders that.
            if (property.IsPrimaryKey() || property.IsForeignKey()) return null;
            set |= 1UL << i;
        }
        if (set == 0) return null; // modified only in ways EF Core knows how to save (a shadow or owned value)
        var statement = Updates.GetOrAdd((entry.Metadata, set, returnRow), _ =>
        {
            var parameters = shape.Columns.Where((_, i) => (set & (1UL << i)) != 0).Select(p => (p, false)).ToList();
            var assignments = parameters.Select((s, i) => $"{TableShape.Quote(shape.Column(s.p))} = {TableShape.ParameterName(i)}").ToList();
            parameters.Add((shape.Key, false));
            parameters.AddRange(shape.Tokens.Select(t => (t, true)));
            var conditions = parameters.Skip(assignments.Count).Select((w, i) => $"{TableShape.Quote(shape.Column(w.Item1))} = {TableShape.ParameterName(assignments.Count + i)}");
            return new Statement($"UPDATE {shape.Table} SET {string.Join(", ", assignments)} WHERE {string.Join(" AND ", conditions)}" + (returnRow ? " RETURNING 1" : ""),
                parameters);
        });
        return new Write([entry], EntityState.Modified, entry.Metadata, shape, statement.Sql, statement.Parameters, null);
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

    /// One statement: the rows it writes (one, or several of one INSERT: tracked entries, or objects staged by
    /// StoreDb.Append), its SQL and the parameters of each row (a property's current or original value).
    private sealed record Write(List<object> Rows, EntityState State, IEntityType Type, TableShape Shape, string Sql,
        List<(IProperty Property, bool Original)> Parameters, IProperty? GeneratedKey)
    {
        public string Sql { get; set; } = Sql;

        /// For a row staged by StoreDb.Append, its place among them; null for a tracked entry.
        public int? Appended { get; init; }

        // EF Core's order: by table, inserts before updates, then by key (temporary keys grow in the order rows were
        // added); rows staged by Append after the tracked rows added to their table, in the order they were staged.
        public int CompareTo(Write other)
        {
            var byTable = string.CompareOrdinal(Shape.Table, other.Shape.Table);
            if (byTable != 0) return byTable;
            if (State != other.State) return State == EntityState.Added ? -1 : 1;
            if (Appended is { } mine) return other.Appended is { } theirs ? mine.CompareTo(theirs) : 1;
            if (other.Appended is not null) return -1;
            return Comparer<object>.Default.Compare(Value(Rows[0], Shape.Key, false), Value(other.Rows[0], Shape.Key, false));
        }
    }
}
