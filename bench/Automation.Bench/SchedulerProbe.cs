using System.Diagnostics;

namespace Automation.Bench;

/// Measures how late a thread that asks for 1 ms of sleep wakes up, while a measurement runs: on a machine shared
/// with other builds, that delay is the floor under any latency percentile measured at the same time.
internal sealed class SchedulerProbe : IDisposable
{
    private readonly List<double> _lateness = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    public SchedulerProbe()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "scheduler probe" };
        _thread.Start();
    }

    /// The 99th percentile of wake-up lateness in milliseconds; stops the probe.
    public double P99()
    {
        Dispose();
        lock (_lateness)
        {
            if (_lateness.Count == 0) return 0;
            _lateness.Sort();
            return _lateness[(int)(_lateness.Count * 0.99)];
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        while (!_stop)
        {
            var watch = Stopwatch.StartNew();
            Thread.Sleep(1);
            var late = watch.Elapsed.TotalMilliseconds - 1;
            lock (_lateness) _lateness.Add(Math.Max(0, late));
        }
    }
}
