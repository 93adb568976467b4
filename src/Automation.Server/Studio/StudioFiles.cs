using System.Reflection;
using Automation.Server.Hosting;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Automation.Server.Studio;

/// Where the Elsa Studio package (npm `@elsa-workflows/elsa-studio-wasm`) is on disk: `Studio:Files` when configured,
/// otherwise the folder the build installed it into (recorded in the assembly by the csproj's npm target).
public sealed class StudioFiles
{
    public const string PackageVersion = "3.8.2";
    public const string BasePath = "/studio";

    public StudioFiles(IConfiguration configuration, ServiceHome home)
    {
        var configured = configuration["Studio:Files"];
        var built = typeof(StudioFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ElsaStudioFiles")?.Value;
        Folder = !string.IsNullOrWhiteSpace(configured) ? AutomationHome.Resolve(home.Path, configured) : built;
        IsAvailable = Folder is not null && File.Exists(Path.Combine(Folder, "_framework", "blazor.webassembly.js"));
    }

    public string? Folder { get; }
    public bool IsAvailable { get; }

    /// Serves the package under /studio; `.wasm` as application/wasm, and the runtime's data files, which the default
    /// content-type table does not know.
    public StaticFileOptions StaticFiles()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".dat"] = "application/octet-stream";
        types.Mappings[".blat"] = "application/octet-stream";
        types.Mappings[".webcil"] = "application/octet-stream";
        types.Mappings[".dll"] = "application/octet-stream";
        types.Mappings[".pdb"] = "application/octet-stream";
        types.Mappings[".map"] = "application/json";
        types.Mappings[".br"] = "application/octet-stream";
        types.Mappings[".gz"] = "application/octet-stream";
        return new StaticFileOptions
        {
            RequestPath = BasePath,
            FileProvider = new PhysicalFileProvider(Folder!),
            ContentTypeProvider = types,
            OnPrepareResponse = context =>
            {
                // A precompressed copy is served with the content type of the file it stands for.
                if (context.Context.Items[CompressedOriginal] is string original && types.TryGetContentType(original, out var type))
                    context.Context.Response.ContentType = type;
            },
        };
    }

    private const string CompressedOriginal = "studio-compressed-original";

    /// The package ships Brotli and gzip copies of its files (the runtime is ~30 MB, ~10 MB compressed); a browser
    /// that accepts them gets the copy instead of the file.
    public async Task ServeCompressedAsync(HttpContext http, RequestDelegate next)
    {
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith(BasePath + "/_", StringComparison.Ordinal) && !path.EndsWith(".br", StringComparison.Ordinal)
            && !path.EndsWith(".gz", StringComparison.Ordinal))
        {
            var accepted = http.Request.Headers.AcceptEncoding.ToString();
            var local = Path.Combine(Folder!, path[(BasePath.Length + 1)..]);
            var encoding = accepted.Contains("br", StringComparison.OrdinalIgnoreCase) && File.Exists(local + ".br") ? "br"
                : accepted.Contains("gzip", StringComparison.OrdinalIgnoreCase) && File.Exists(local + ".gz") ? "gzip" : null;
            if (encoding is not null)
            {
                http.Items[CompressedOriginal] = path;
                http.Request.Path = path + (encoding == "br" ? ".br" : ".gz");
                http.Response.Headers.ContentEncoding = encoding;
                http.Response.Headers.Vary = "Accept-Encoding";
            }
        }
        await next(http);
    }
}
