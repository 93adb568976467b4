using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Automation.Workflows.Persistence;

/// The engine's tables: definitions, instances, bookmarks, triggers and the execution journal.
public sealed class WorkflowDb(DbContextOptions<WorkflowDb> options) : DbContext(options)
{
    public const string HistoryTable = "__workflow_migrations";

    public DbSet<DefinitionRecord> Definitions => Set<DefinitionRecord>();
    public DbSet<InstanceRecord> Instances => Set<InstanceRecord>();
    public DbSet<BookmarkRecord> Bookmarks => Set<BookmarkRecord>();
    public DbSet<TriggerRecord> Triggers => Set<TriggerRecord>();
    public DbSet<JournalRecord> Journal => Set<JournalRecord>();

    public static WorkflowDb Create(DbConnection connection, DatabaseProvider provider)
    {
        var builder = new DbContextOptionsBuilder<WorkflowDb>();
        Configure(builder, connection, provider);
        return new WorkflowDb(builder.Options);
    }

    internal static void Configure(DbContextOptionsBuilder builder, DbConnection connection, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.PostgreSql)
            builder.UseNpgsql(connection, o => o.MigrationsHistoryTable(HistoryTable));
        else
            builder.UseSqlite(connection, o => o.MigrationsHistoryTable(HistoryTable));
        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // Unix milliseconds on both providers: SQLite cannot compare DateTimeOffset text, and timers query by time.
        conventions.Properties<DateTimeOffset>().HaveConversion<UnixMillisConverter>();
        conventions.Properties<DateTimeOffset?>().HaveConversion<UnixMillisConverter>();
    }

    public const string RunningIndex = "IX_wf_instances_Running";
    public const string RunningFilter = "\"Status\" = 'Running'";

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DefinitionRecord>(e =>
        {
            e.ToTable("wf_definitions");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.DefinitionId, x.Version }).IsUnique();
        });
        model.Entity<InstanceRecord>(e =>
        {
            e.ToTable("wf_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Revision).IsConcurrencyToken();
            e.HasIndex(x => x.CorrelationId);
            // Only running instances are looked up by status (the sweep for stranded ones, oldest first); an instance
            // that finishes or waits within its step, as most do, writes no page of this index.
            e.HasIndex(x => x.UpdatedAt).HasFilter(RunningFilter).HasDatabaseName(RunningIndex);
        });
        model.Entity<BookmarkRecord>(e =>
        {
            e.ToTable("wf_bookmarks");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Hash);
            e.HasIndex(x => x.InstanceId);
            e.HasIndex(x => x.ResumeAt);
        });
        model.Entity<TriggerRecord>(e =>
        {
            e.ToTable("wf_triggers");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Hash);
            e.HasIndex(x => x.Name);
            e.HasIndex(x => x.DefinitionId);
        });
        model.Entity<JournalRecord>(e =>
        {
            e.ToTable("wf_journal");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.InstanceId, x.Id });
            e.HasIndex(x => new { x.CorrelationId, x.Id });
        });
    }
}

/// Stores a moment as Unix milliseconds (UTC).
internal sealed class UnixMillisConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

public enum DatabaseProvider { Sqlite, PostgreSql }
