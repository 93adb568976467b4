namespace Automation.Server.Hosting;

/// The service's home folder: where appsettings.json, workflows/ and data/ are. The current directory when it holds
/// appsettings.json (how `dotnet run --project src/Automation.Server` starts from a clone), else the nearest
/// folder above the binary that does.
public static class AutomationHome
{
    public const string SettingsFile = "appsettings.json";

    public static string Find()
    {
        if (File.Exists(Path.Combine(Environment.CurrentDirectory, SettingsFile))
            && Directory.Exists(Path.Combine(Environment.CurrentDirectory, "workflows")))
            return Environment.CurrentDirectory;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SettingsFile)) && Directory.Exists(Path.Combine(dir.FullName, "workflows")))
                return dir.FullName;
        return Environment.CurrentDirectory;
    }

    /// A configured path made absolute against the home folder.
    public static string Resolve(string home, string path) => Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(home, path));
}
