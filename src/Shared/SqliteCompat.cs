using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Automation;

/// Makes Microsoft.Data.Sqlite 10 run on the SQLitePCLRaw 2.0.6 that this machine's package registry holds.
/// Why: the registry copy has no SQLitePCLRaw 2.1.x, which Microsoft.Data.Sqlite 10 asks for (shared/deps.md 1.15,
/// 1.17). Compiled into every assembly that may touch SQLite first; installs itself once per process.
internal static class SqliteCompat
{
    private const string InstalledKey = "Automation.SqliteCompat.Installed";

#pragma warning disable CA2255 // deliberate: the shim must run before any SQLite type loads, in any host
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        if (AppContext.GetData(InstalledKey) is true) return;
        AppContext.SetData(InstalledKey, true);
        // Load the app-folder 2.0.6 assemblies whatever version is asked for.
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name is not { } simpleName || !simpleName.StartsWith("SQLitePCLRaw.", StringComparison.Ordinal)) return null;
            var path = Path.Combine(AppContext.BaseDirectory, simpleName + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
        // Debian's libsqlite3 (3.40) instead of the bundled 3.35: EF Core's JSON queries need 3.38 or later.
        if (Environment.GetEnvironmentVariable("SQLITE_BUNDLED") == "1") return;
        try
        {
            NativeLibrary.SetDllImportResolver(Assembly.Load("SQLitePCLRaw.provider.e_sqlite3"),
                (library, _, _) => library == "e_sqlite3" && NativeLibrary.TryLoad("libsqlite3.so.0", out var handle) ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Another assembly's copy of this initializer won the race; one resolver is all it takes.
        }
    }
}
