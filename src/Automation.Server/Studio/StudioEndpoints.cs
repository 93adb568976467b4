using Automation.Server.Api;

namespace Automation.Server.Studio;

/// Elsa Studio in this host: its services, the Elsa 3 API subset under /elsa/api (same API key as /api), the package's
/// files and the pages under /studio.
public static class StudioEndpoints
{
    public static IServiceCollection AddElsaStudio(this IServiceCollection services) => services
        .AddSingleton<StudioFiles>()
        .AddSingleton<StudioAccess>()
        .AddSingleton<WorkflowFileStore>()
        .AddSingleton<StudioWorkflows>()
        .AddSingleton<DropdownOptions>()
        .AddSingleton<MissingActivityTypes>()
        .AddSingleton<JavaScriptDeclarations>()
        .AddSingleton<PipelineOverview>();

    public static WebApplication MapElsaStudio(this WebApplication app)
    {
        app.MapGroup("/elsa/api").AddEndpointFilter<ApiKeyFilter>()
            .MapElsaWorkflowDefinitionsApi()
            .MapElsaDescriptorsApi();
        var files = app.Services.GetRequiredService<StudioFiles>();
        if (files.IsAvailable)
        {
            app.Use(files.ServeCompressedAsync);
            app.UseStaticFiles(files.StaticFiles());
        }
        else
            app.Logger.LogWarning("Elsa Studio is unavailable: its files are not in {Folder}; the build installs npm package @elsa-workflows/elsa-studio-wasm@{Version} there when npm is present (or set Studio:Files). The API under /elsa/api works.",
                files.Folder ?? "(no folder recorded by the build)", StudioFiles.PackageVersion);
        app.MapStudioPages();
        return app;
    }
}
