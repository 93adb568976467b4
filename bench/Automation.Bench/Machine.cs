using System.Runtime.InteropServices;

namespace Automation.Bench;

/// What else the machine is doing: figures measured on a shared 2-core machine mean little without it.
internal static class Machine
{
    public static string Load() =>
        File.Exists("/proc/loadavg") ? "load " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load n/a";

    /// CPU time this process used so far (all threads): per run, it shows the engine's cost whatever the machine's load.
    public static TimeSpan CpuTime() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// Gives native memory that was freed back to the operating system (glibc keeps it otherwise), so that the working
    /// set shows what is in use.
    public static void ReturnFreedMemory()
    {
        if (OperatingSystem.IsLinux()) MallocTrim(0);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
