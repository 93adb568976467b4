namespace Automation.Workflows.Persistence;

/// The gate in front of SQLite's writer: one holder at a time, waiters served first come, first served.
///
/// Letting go hands the gate straight to the next waiter. When the caller says so, and up to
/// <see cref="MaxInlineHandOffs"/> hand-offs deep, that waiter's continuation runs on the thread that let go: a unit
/// that hands its open group on has nothing left to do but wait for the group's commit, so its thread may as well
/// write the next unit. Through the thread pool (SemaphoreSlim) the next unit waited 78 µs on average behind the
/// answers and requests queued before it, about a tenth of the writer's time at ~1,000 units/s, while the writer sat
/// idle. The depth is bounded so that one thread does not write every unit that keeps arriving while the answers of
/// the units it wrote wait for it to unwind.
internal sealed class WriterGate
{
    /// Hand-offs one thread runs inline, one inside the other, before it queues the next to the thread pool.
    public const int MaxInlineHandOffs = 4;

    [ThreadStatic]
    private static int _inlineDepth;

    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = [];
    private bool _held;

    /// Takes the gate if no one holds it.
    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_held) return false;
            _held = true;
            return true;
        }
    }

    /// Completes once the caller holds the gate. Cancelled only while still waiting: a caller the gate was handed to
    /// holds it, whatever its token says since.
    public Task EnterAsync(CancellationToken ct = default)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }
            waiter = new Waiter(this);
            waiter.Node = _waiters.AddLast(waiter);
        }
        return ct.CanBeCanceled ? WaitAsync(waiter, ct) : waiter.Granted.Task;
    }

    private static async Task WaitAsync(Waiter waiter, CancellationToken ct)
    {
        using (ct.UnsafeRegister(static state => ((Waiter)state!).GiveUp(), waiter)) await waiter.Granted.Task;
    }

    /// Lets go of the gate: to the next waiter if there is one (which then holds it), else free. inline: the next
    /// holder may run on this thread, inside this call; else it continues on the thread pool.
    public void Exit(bool inline)
    {
        Waiter? next;
        lock (_lock)
        {
            if (!_held) throw new InvalidOperationException("The writer's gate is not held.");
            next = _waiters.First?.Value;
            if (next is null)
            {
                _held = false;
                return;
            }
            _waiters.RemoveFirst();
            next.Node = null;
        }
        if (!inline || _inlineDepth >= MaxInlineHandOffs)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static waiter => waiter.Granted.TrySetResult(), next, preferLocal: false);
            return;
        }
        _inlineDepth++;
        try { next.Granted.TrySetResult(); } // runs the next holder's continuation here, until it first truly waits
        finally { _inlineDepth--; }
    }

    private sealed class Waiter(WriterGate gate)
    {
        // Continuations run where the gate is handed on (see Exit), not through the thread pool.
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.None);

        public LinkedListNode<Waiter>? Node { get; set; } // under the gate's lock; null once granted or given up

        public void GiveUp()
        {
            lock (gate._lock)
            {
                if (Node is null) return; // handed the gate already: it holds it
                gate._waiters.Remove(Node);
                Node = null;
            }
            Granted.TrySetCanceled();
        }
    }
}
