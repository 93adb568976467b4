namespace Automation.Workflows.Runtime;

/// In-process mutual exclusion per instance, so that two steps of one instance don't race inside one node (across
/// nodes the instance's concurrency token decides). Striped: a fixed set of semaphores, whatever the instance count.
internal sealed class InstanceLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> AcquireAsync(string instanceId, CancellationToken ct)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(instanceId) % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        private SemaphoreSlim? _stripe = stripe;
        public void Dispose() => Interlocked.Exchange(ref _stripe, null)?.Release();
    }
}
