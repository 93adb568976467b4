using Automation.Channels.Persistence;
using Automation.Orders.Persistence;
using Automation.Rules.Expressions;
using Automation.Rules.Pipeline;
using Automation.Rules.Rules;
using Automation.Server.Channels;
using Automation.Server.Documents;
using Automation.Server.Events;
using Automation.Server.Operations;
using Automation.Server.WorkflowFiles;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Scheduling;
using Automation.Workflows.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using WorkflowProvider = Automation.Workflows.Persistence.DatabaseProvider;
using StoreProvider = Automation.Orders.Persistence.DatabaseProvider;

namespace Automation.Server.Hosting;

/// The composition of the service: configuration, the database, the engine, the order pipeline and the background
/// work, in the order they must start.
public static class AutomationServices
{
    public static WebApplicationBuilder AddAutomation(this WebApplicationBuilder builder)
    {
        var home = AutomationHome.Find();
        // The repository's appsettings.json is the lowest layer: environment variables and arguments override it.
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(home),
            Path = AutomationHome.SettingsFile,
            Optional = true,
        });

        var services = builder.Services;
        var config = builder.Configuration;
        services.AddOptions<DatabaseOptions>().Bind(config.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkflowsOptions>().Bind(config.GetSection(WorkflowsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().Bind(config.GetSection(SecurityOptions.Section));
        services.AddOptions<WebhookOptions>().Bind(config.GetSection(WebhookOptions.Section));
        services.AddOptions<LimitOptions>().Bind(config.GetSection(LimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PipelineSettings>().Bind(config.GetSection(PipelineSettings.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TimerRetryOptions>().Bind(config.GetSection(TimerRetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().Bind(config.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RecoverySettings>().Bind(config.GetSection(RecoverySettings.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure(o => o.ShutdownTimeout = config.GetValue("Shutdown:Timeout", TimeSpan.FromSeconds(30)));

        var storage = StorageSettings.Read(config, home);
        services.AddSingleton(storage);
        services.AddSingleton(new ServiceHome(home));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => CreateDatabase(storage));
        services.AddSingleton(_ => ActivityRegistry.FromAssemblies(typeof(Start).Assembly, typeof(RuleActivity).Assembly));
        services.AddSingleton(sp => ExpressionEngine.CreateDefault(clock: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IExpressionModelContributor, OrderExpressionModel>();
        services.AddSingleton<WorkflowDefinitions>();
        services.AddSingleton<WorkflowEngine>();
        services.AddSingleton<WorkflowValidator>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PipelineSettings>>().Value;
            return new PipelineOptions { MaxRuleMoves = settings.MaxRuleMoves, Window = settings.LoopWindow };
        });
        services.AddSingleton<OrderPipeline>();
        services.AddSingleton<EventProcessor>();
        services.AddSingleton<ServiceSecrets>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<Api.CrmForms>();
        services.AddSingleton(sp => new WorkflowReferences(sp.GetRequiredService<Api.CrmForms>(), sp.GetRequiredService<StorageSettings>()));
        services.AddSingleton<WorkflowDirectory>();
        services.AddSingleton<FloodGuard>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<Api.StoreAccess>();

        // Start order matters: the database and workflows are ready before the scheduler fires, and recovery runs
        // once the scheduler is up.
        services.AddHostedService<StartupPreparation>();
        services.AddHostedService<WorkflowFileWatcher>();
        services.AddWorkflowTimers(storage.WorkflowProvider, storage.ConnectionString);
        services.AddSingleton<WaitEnds>();
        services.AddSingleton<IWaitEndTimers>(sp => sp.GetRequiredService<WaitEnds>());
        services.AddHostedService<StartupRecovery>();
        services.AddHostedService<RecoverySweep>();
        services.AddHostedService<InboxPump>();
        services.AddOptions<DocumentOptions>().Bind(config.GetSection(DocumentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChromiumPdfPrinter>();
        services.AddSingleton<PdfPrinting>();
        services.AddSingleton<Automation.Orders.Documents.IPdfPrinterQueue>(sp => sp.GetRequiredService<PdfPrinting>());
        services.AddHostedService(sp => sp.GetRequiredService<PdfPrinting>());
        services.AddClientChannels(config, storage);
        services.AddSingleton<MetricsSnapshot>();
        services.AddHostedService<TelemetryExport>();
        services.AddHostedService<BacklogSampler>();
        return builder;
    }

    private static WorkflowDatabase CreateDatabase(StorageSettings storage)
    {
        var database = new WorkflowDatabase(storage.WorkflowProvider, storage.ConnectionString, storage.SqliteLogBytes);
        // A unit of work saves its contexts when it commits (StepUnitOfWork.CommitAsync).
        database.AddParticipant((connection, provider) =>
            StoreDb.Create(connection, null, StoreProviders.Of(provider), database.OpenAutonomousAsync, savedAtCommit: true));
        database.AddParticipant<ChannelsDb>(ChannelsDb.Create);
        return database;
    }
}

/// The home folder (appsettings.json, workflows/, data/).
public sealed record ServiceHome(string Path)
{
    public string DataDirectory => System.IO.Path.Combine(Path, "data");
}

/// The database provider and connection string, resolved once: a relative SQLite file lives under the home folder.
/// SqliteLogBytes: how long SQLite's write-ahead log may grow before a checkpoint starts it over while commits wait
/// (`Database:SqliteLogMegabytes`, 128 by default; the file keeps that size): smaller saves disk, larger makes those
/// waits rarer (docs/operations.md).
public sealed record StorageSettings(WorkflowProvider WorkflowProvider, string ConnectionString, long SqliteLogBytes = WorkflowDatabase.DefaultSqliteLogLimitBytes)
{
    public StoreProvider StoreProvider => StoreProviders.Of(WorkflowProvider);

    public static StorageSettings Read(IConfiguration config, string home)
    {
        var providerName = config[$"{DatabaseOptions.Section}:Provider"] ?? "Sqlite";
        var provider = providerName.Trim().ToLowerInvariant() switch
        {
            "sqlite" => WorkflowProvider.Sqlite,
            "postgresql" or "postgres" or "npgsql" => WorkflowProvider.PostgreSql,
            _ => throw new SettingException($"Database:Provider '{providerName}' is not supported; use Sqlite or PostgreSQL."),
        };
        var connectionString = config.GetConnectionString("Automation");
        if (provider == WorkflowProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new SettingException("Database:Provider is PostgreSQL, so ConnectionStrings:Automation must name the database.");
            Readable(() => new Npgsql.NpgsqlConnectionStringBuilder(connectionString), "PostgreSQL");
            return new StorageSettings(provider, connectionString);
        }
        var sqlite = Readable(() => new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? "Data Source=data/automation.db" : connectionString), "SQLite");
        sqlite.DataSource = AutomationHome.Resolve(home, sqlite.DataSource);
        return new StorageSettings(provider, sqlite.ToString(), SqliteLogMegabytes(config) << 20);
    }

    /// A connection string the provider's own parser cannot read (e.g. a SQLite `Data Source=…` given to PostgreSQL) is a
    /// setting error, said in one line, not a stack trace from the first connection.
    private static T Readable<T>(Func<T> parse, string provider)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new SettingException($"ConnectionStrings:Automation is not a {provider} connection string: {e.Message}");
        }
    }

    private static long SqliteLogMegabytes(IConfiguration config)
    {
        const string key = $"{DatabaseOptions.Section}:SqliteLogMegabytes";
        if (config[key] is not { } text) return WorkflowDatabase.DefaultSqliteLogLimitBytes >> 20;
        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var megabytes) && megabytes is >= 4 and <= 4096
            ? megabytes
            : throw new SettingException($"{key} must be a whole number of megabytes from 4 to 4096 (now '{text}'), e.g. 128.");
    }
}
