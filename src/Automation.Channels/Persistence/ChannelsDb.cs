using System.Data.Common;
using Automation.Channels.Mail;
using Automation.Channels.Outbox;
using Automation.Channels.Tracking;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Channels.Persistence;

/// The channels' EF Core context: the outbox, received mail and tracked links. It keeps its own migrations history
/// table so it can share a database, a connection and a transaction with the other modules' contexts.
public sealed class ChannelsDb(DbContextOptions<ChannelsDb> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__channels_migrations";

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboundMail> InboundMail => Set<InboundMail>();
    public DbSet<TrackingLink> TrackingLinks => Set<TrackingLink>();

    // Asking EF Core reads the provider's assembly name each time; a context's provider never changes.
    private DatabaseProvider? _provider;

    public DatabaseProvider Provider => _provider ??= Database.IsNpgsql() ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;

    /// A context with its own connection, opened and closed by EF Core as needed (the sender, the listener, tracking).
    public static ChannelsDb Create(string connectionString, DatabaseProvider provider)
    {
        var builder = new DbContextOptionsBuilder<ChannelsDb>();
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder
                .UseSqlite(connectionString, o => o.MigrationsHistoryTable(MigrationsHistoryTable))
                .AddInterceptors(SqliteConnectionTuning.Instance),
            DatabaseProvider.PostgreSql => builder.UseNpgsql(connectionString, o => o.MigrationsHistoryTable(MigrationsHistoryTable)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
        return new ChannelsDb(builder.Options);
    }

    /// A context on a connection someone else owns and disposes, e.g. a step's: register it with
    /// <c>WorkflowDatabase.AddParticipant(ChannelsDb.Create)</c> and <c>StepUnitOfWork.Db&lt;ChannelsDb&gt;()</c> enlists it.
    public static ChannelsDb Create(DbConnection connection, DatabaseProvider provider)
    {
        var builder = new DbContextOptionsBuilder<ChannelsDb>();
        _ = provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(connection, o => o.MigrationsHistoryTable(MigrationsHistoryTable)),
            DatabaseProvider.PostgreSql => builder.UseNpgsql(connection, o => o.MigrationsHistoryTable(MigrationsHistoryTable)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        };
        return new ChannelsDb(builder.Options);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) => ChannelsModel.Build(modelBuilder);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite()) configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTextConverter>();
        else configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
    }
}
