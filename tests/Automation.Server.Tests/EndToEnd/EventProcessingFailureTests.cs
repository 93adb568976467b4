using System.Net.Http.Json;
using Automation.Server.Tests.Support;
using Automation.Workflows.Expressions;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Automation.Workflows.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.EndToEnd;

/// An event is stored and processed in one transaction with the change that raised it. When the processing fails, the
/// change still lands (alone), and the event is processed by a second attempt or, later, by the inbox pump.
public sealed class EventProcessingFailureTests
{
    [Fact]
    public async Task A_payment_whose_processing_fails_once_is_stored_once_and_still_moves_the_order()
    {
        var fault = new FaultyModel();
        await using var host = await ServiceHost.StartAsync(services: s => s.AddSingleton<IExpressionModelContributor>(fault));
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        fault.FailuresLeft = 1;
        var paid = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);

        Assert.Equal(0, fault.FailuresLeft);
        Assert.Equal("paid", paid["order"]!["status"]!.GetValue<string>());
        Assert.True(paid["events"]![0]!["moved"]!.GetValue<bool>());
        var stored = await host.GetAsync($"/api/events/{paid["events"]![0]!["eventId"]!.GetValue<long>()}");
        Assert.Equal(paid["payment"]!["id"]!.GetValue<long>(), stored["data"]!["paymentId"]!.GetValue<long>());
        var order = await host.GetAsync($"/api/orders/{id}");
        Assert.Single(order["payments"]!.AsArray());
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("Payment of 40.00 EUR", StringComparison.Ordinal));
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("Status changed from 'new' to 'paid'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payment_whose_processing_keeps_failing_is_kept_and_the_inbox_pump_processes_its_event_later()
    {
        var fault = new FaultyModel();
        await using var host = await ServiceHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Pipeline:EventLease"] = "00:00:05" },
            services: s => s.AddSingleton<IExpressionModelContributor>(fault));
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        fault.FailuresLeft = int.MaxValue;
        var paid = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);

        Assert.Equal("new", paid["order"]!["status"]!.GetValue<string>());
        Assert.True(paid["order"]!["isPaid"]!.GetValue<bool>());
        Assert.Empty(paid["events"]!.AsArray());

        fault.FailuresLeft = 0;
        host.Clock.Advance(TimeSpan.FromSeconds(6)); // the receiver's lease on the event ends; the pump may take it
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>() != "paid" && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Equal("paid", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        Assert.Single((await host.GetAsync($"/api/orders/{id}"))["payments"]!.AsArray());
    }

    [Fact]
    public async Task A_failure_after_the_commit_does_not_apply_the_change_twice()
    {
        var timers = new FailingTimers();
        await using var host = await ServiceHost.StartAsync(
            workflows: new Dictionary<string, string>
            {
                ["new"] = new StatusFlow("new", 100),
                ["paid"] = new StatusFlow("paid", 200).Add("payment", "Automation.PaymentTrigger")
                    .Add("later", "Automation.WriteToLog", new { text = "an hour after payment", delay = new { kind = "After", value = 1, unit = "Hours" } })
                    .Connect("start->later"),
            },
            services: s => s.AddSingleton<ITimerScheduler>(sp => timers.Over(sp.GetRequiredService<QuartzTimerScheduler>())));
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        timers.Failing = true; // the paid status's delayed rule schedules its timer after the commit, and that fails
        var response = await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 });
        timers.Failing = false;

        Assert.Equal(500, (int)response.StatusCode);
        var order = await host.GetAsync($"/api/orders/{id}");
        Assert.Equal("paid", order["status"]!.GetValue<string>());
        Assert.Single(order["payments"]!.AsArray());
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("Payment of 40.00 EUR", StringComparison.Ordinal));
    }

    private sealed class FailingTimers : ITimerScheduler
    {
        private ITimerScheduler _inner = null!;

        public volatile bool Failing;

        public ITimerScheduler Over(ITimerScheduler inner)
        {
            _inner = inner;
            return this;
        }

        public Task ScheduleAsync(IReadOnlyList<(string BookmarkId, DateTimeOffset At)> timers, CancellationToken ct) =>
            Failing ? throw new InvalidOperationException("injected fault: the scheduler is unavailable") : _inner.ScheduleAsync(timers, ct);

        public Task CancelAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct) => _inner.CancelAsync(bookmarkIds, ct);
    }

    /// Fails the steps of order workflows while FailuresLeft is above zero: a fault in processing that is not a rule's
    /// own (those are recorded and the step goes on), like a database error would be.
    private sealed class FaultyModel : IExpressionModelContributor
    {
        private int _failuresLeft;

        public int FailuresLeft
        {
            get => Volatile.Read(ref _failuresLeft);
            set => Volatile.Write(ref _failuresLeft, value);
        }

        public ValueTask ContributeAsync(ExpressionModel model, WorkflowInstanceInfo instance, ExpressionReferences references, StepUnitOfWork work,
            CancellationToken ct)
        {
            if (Interlocked.Decrement(ref _failuresLeft) >= 0) throw new InvalidOperationException("injected fault in event processing");
            Interlocked.Exchange(ref _failuresLeft, 0);
            return ValueTask.CompletedTask;
        }
    }
}
