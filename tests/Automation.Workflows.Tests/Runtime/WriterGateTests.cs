using Automation.Workflows.Persistence;

namespace Automation.Workflows.Tests.Runtime;

/// The gate in front of SQLite's writer hands itself to the next waiter on the thread that lets go, instead of through
/// the thread pool, where the next unit waited behind other work while the writer sat idle. Continuations are attached
/// with ExecuteSynchronously (not awaited) so that the test runner's synchronization context does not move them.
public sealed class WriterGateTests
{
    [Fact]
    public void Waiters_get_the_gate_in_the_order_they_came_on_the_thread_that_lets_go_before_Exit_returns()
    {
        var gate = new WriterGate();
        Assert.True(gate.TryEnter());
        var ran = new List<(int Waiter, int Thread)>();
        for (var i = 1; i <= 3; i++)
        {
            var waiter = i;
            gate.EnterAsync().ContinueWith(_ => ran.Add((waiter, Environment.CurrentManagedThreadId)), TaskContinuationOptions.ExecuteSynchronously);
        }
        Assert.Empty(ran);

        var me = Environment.CurrentManagedThreadId;
        for (var i = 1; i <= 3; i++)
        {
            gate.Exit(inline: true);
            Assert.Equal((i, me), ran[^1]); // ran here, inside Exit
            Assert.False(gate.TryEnter()); // and holds the gate
        }
        gate.Exit(inline: true);
        Assert.True(gate.TryEnter());
    }

    [Fact]
    public async Task Not_inline_the_next_holder_continues_on_the_thread_pool_after_Exit_returned()
    {
        var gate = new WriterGate();
        Assert.True(gate.TryEnter());
        var exited = false;
        var sawExited = gate.EnterAsync().ContinueWith(_ =>
        {
            lock (gate) return Volatile.Read(ref exited); // run inside Exit, it would take the lock (re-entrant) before exited is set
        }, TaskContinuationOptions.ExecuteSynchronously);
        lock (gate)
        {
            gate.Exit(inline: false);
            Volatile.Write(ref exited, true);
        }
        Assert.True(await sawExited.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(gate.TryEnter()); // the next holder has it
    }

    [Fact]
    public async Task A_waiter_that_gives_up_is_passed_over_and_one_the_gate_was_handed_to_keeps_it()
    {
        var gate = new WriterGate();
        Assert.True(gate.TryEnter());
        using var impatient = new CancellationTokenSource();
        var givesUp = gate.EnterAsync(impatient.Token);
        var next = gate.EnterAsync();
        impatient.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => givesUp);

        gate.Exit(inline: true);
        Assert.True(next.IsCompletedSuccessfully);

        using var late = new CancellationTokenSource();
        var handed = gate.EnterAsync(late.Token);
        gate.Exit(inline: true);
        await handed;
        late.Cancel(); // too late: it holds the gate
        Assert.True(handed.IsCompletedSuccessfully);
        Assert.False(gate.TryEnter());
        gate.Exit(inline: true);
        Assert.True(gate.TryEnter());
    }

    [Fact]
    public void A_caller_whose_token_is_already_cancelled_does_not_wait()
    {
        var gate = new WriterGate();
        Assert.True(gate.TryEnter());
        var entered = gate.EnterAsync(new CancellationToken(canceled: true));
        Assert.True(entered.IsCanceled);
        gate.Exit(inline: true);
        Assert.True(gate.TryEnter()); // no one was left waiting for it
    }

    [Fact]
    public async Task Hand_offs_nest_on_one_thread_at_most_MaxInlineHandOffs_deep_then_go_through_the_thread_pool()
    {
        var gate = new WriterGate();
        Assert.True(gate.TryEnter());
        var me = Environment.CurrentManagedThreadId;
        var count = WriterGate.MaxInlineHandOffs + 3;
        using var depth = new ThreadLocal<int>(); // holders running one inside the other on this thread
        var ran = new List<(int Waiter, int Thread, int Depth)>();
        var all = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var waiter = i;
            // Each holder lets go as soon as it has the gate, as a unit of work that lets go hands it on.
            all.Add(gate.EnterAsync().ContinueWith(_ =>
            {
                depth.Value++;
                lock (ran) ran.Add((waiter, Environment.CurrentManagedThreadId, depth.Value));
                gate.Exit(inline: true);
                depth.Value--;
            }, TaskContinuationOptions.ExecuteSynchronously));
        }

        gate.Exit(inline: true);
        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(Enumerable.Range(0, count), ran.Select(r => r.Waiter));
        Assert.All(ran.Take(WriterGate.MaxInlineHandOffs), r => Assert.Equal(me, r.Thread));
        // Four inside the first Exit; the fifth started afresh from the pool, and the two after it inside its Exit.
        Assert.Equal([.. Enumerable.Range(1, WriterGate.MaxInlineHandOffs), 1, 2, 3], ran.Select(r => r.Depth));
        Assert.True(gate.TryEnter());
    }
}
