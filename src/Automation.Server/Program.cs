using System.Text.Json.Serialization;
using Automation.Server.Api;
using Automation.Server.Hosting;
using Automation.Server.Operations;
using Automation.Server.Studio;
using Automation.Server.WorkflowFiles;

if (args is ["validate", .. var rest]) return ValidateCommand.Run(rest, Console.Out, Console.Error);

// Settings are read once, at start (they are validated then). Watching appsettings.json for changes would watch the
// whole content root, data/ included, and every write to the database would wake the watcher.
string? workflows = null;
var (urls, mailPort) = ("default", "default");
try
{
    var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
    builder.AddAutomation();
    builder.Services.AddProblemResponses();
    builder.Services.AddElsaStudio();
    builder.Services.AddOpenApi();
    builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

    var app = builder.Build();
    app.UseProblemResponses();
    app.UseMiddleware<BodySizeLimit>();
    app.MapOpenApi("/openapi/{documentName}.json");
    app.MapOperationsApi();
    app.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>()
        .MapOrdersApi()
        .MapRunsApi()
        .MapEventsApi()
        .MapWebhookSecretApi()
        .MapBookmarksApi()
        .MapStatusesApi()
        .MapEmployeesApi()
        .MapFeedApi()
        .MapActivitiesApi()
        .MapTasksApi()
        .MapListsApi()
        .MapDocumentsApi()
        .MapClientsApi()
        .MapEmployeeMessagesApi()
        .MapInboundEmailApi();
    app.MapWebhooksApi();
    app.MapPublicDocuments();
    app.MapFormsApi();
    app.MapTwilioHooksApi();
    app.MapTrackingApi();
    app.MapElsaStudio();

    workflows = app.Services.GetRequiredService<WorkflowDirectory>().Path;
    (urls, mailPort) = (app.Configuration["Urls"] ?? "default", app.Configuration["Mail:Listener:Port"] ?? "default");
    await app.RunAsync();
    return 0;
}
catch (InvalidWorkflowsException invalid)
{
    Console.Error.WriteLine($"Not starting: the workflows in {Path.GetRelativePath(Environment.CurrentDirectory, workflows ?? "workflows")} are invalid:");
    foreach (var error in invalid.Errors) Console.Error.WriteLine(error);
    return 1;
}
catch (SettingException setting)
{
    Console.Error.WriteLine($"Not starting: {setting.Message}");
    return 1;
}
catch (Microsoft.Extensions.Options.OptionsValidationException invalid)
{
    Console.Error.WriteLine($"Not starting: {string.Join(" ", invalid.Failures)}");
    return 1;
}
catch (InvalidOperationException unreadable) when (unreadable.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    // A setting given as text its type cannot read (a duration "abc"): the binder's message names the value and the key.
    Console.Error.WriteLine($"Not starting: {unreadable.Message}");
    return 1;
}
catch (Exception busy) when (PortInUse(busy))
{
    Console.Error.WriteLine($"Not starting: a port this service listens on is already in use ({busy.Message}). "
        + $"Stop the other process or choose other ports: Urls (now {urls}) and Mail:Listener:Port (now {mailPort}; 0 turns the mail listener off).");
    return 1;
}

static bool PortInUse(Exception? error) => error switch
{
    null => false,
    System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } => true,
    _ => PortInUse(error.InnerException),
};

/// The entry point, visible to the end-to-end tests' WebApplicationFactory.
public partial class Program;
