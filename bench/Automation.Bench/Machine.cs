using System.Runtime.InteropServices;

namespace Automation.Bench;

/// What else the machine is doing: figures measured on a shared 2-core machine mean little without it.
internal static class Machine
{
    public static string Load() =>
        File.Exists("/proc/loadavg") ? "load " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load n/a";

    /// CPU time this process used so far (all threads): per run, it shows the engine's cost whatever the machine's load.
    public static TimeSpan CpuTime() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// CPU time the calling thread used so far (Linux; zero elsewhere). A resume runs on one thread from start to end
    /// when nothing contends, so its CPU time is its latency minus the time the machine ran something else.
    public static TimeSpan ThreadCpuTime()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ThreadCpuClock, out var now) != 0) return TimeSpan.Zero;
        return TimeSpan.FromTicks(now.Seconds * TimeSpan.TicksPerSecond + now.Nanoseconds / 100);
    }

    /// Gives native memory that was freed back to the operating system (glibc keeps it otherwise), so that the working
    /// set shows what is in use.
    public static void ReturnFreedMemory()
    {
        if (OperatingSystem.IsLinux()) MallocTrim(0);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
