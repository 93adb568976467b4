using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;
using Automation.Rules.Tests.Support;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Tests.Pipeline;

public sealed class PipelineTests
{
    private const string Log = "Automation.WriteToLog";

    private static async Task PublishShopAsync(RulesHarness h, bool paidAllowsBackwards = false)
    {
        await h.PublishStatusAsync("new", 100, [("hello", Log, new { Text = "welcome" })], ["start->hello"]);
        await h.PublishStatusAsync("paid", 200,
            [("paidLog", Log, new { Text = "paid!" }), ("payment", "Automation.PaymentTrigger", new { AllowBackwards = paidAllowsBackwards })], ["start->paidLog"]);
        await h.PublishStatusAsync("shipped", 300, [], []);
        await h.PublishStatusAsync("canceled", 900, [("canceledTrigger", "Automation.OrderCanceledTrigger", null)], [], "failure");
    }

    private static async Task<EventOutcome> PayAsync(RulesHarness h, long orderId)
    {
        await using (var db = h.Store()) await new OrderBook(db, h.Clock).RecordPaymentAsync(orderId, new NewPayment(100m), CancellationToken.None);
        await using var read = h.Store();
        var id = await read.InboxEvents.Where(e => e.OrderId == orderId && e.ProcessedAt == null).Select(e => e.Id).SingleAsync();
        return await h.Events.ProcessAsync(id);
    }

    [Fact]
    public async Task Statuses_are_the_published_status_workflows_in_sort_order()
    {
        await using var h = await RulesHarness.StartAsync();
        await PublishShopAsync(h);
        Assert.Equal(["new", "paid", "shipped", "canceled"], (await h.Pipeline.ListStatusesAsync()).Select(s => s.Code));
    }

    [Fact]
    public async Task Order_moves_from_new_to_paid_when_payment_arrives()
    {
        await using var h = await RulesHarness.StartAsync();
        await PublishShopAsync(h);
        var order = await h.CreateOrderAsync();

        var outcome = await PayAsync(h, order.Id);

        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal(("new", "paid"), (outcome.From, outcome.To));
        Assert.Equal("paid", (await h.OrderAsync(order.Id)).Status);
        Assert.Contains(await h.TimelineAsync(order.Id), e => e.Text == "paid!");
        await using var db = h.Store();
        Assert.NotNull((await db.InboxEvents.SingleAsync(e => e.Type == "payment.received")).ProcessedAt);
    }

    [Theory]
    [InlineData(false, "shipped")]
    [InlineData(true, "paid")]
    public async Task Trigger_moves_backwards_only_when_allowed(bool allowBackwards, string expectedStatus)
    {
        await using var h = await RulesHarness.StartAsync();
        await PublishShopAsync(h, allowBackwards);
        var order = await h.CreateOrderAsync();
        await h.Pipeline.MoveAsync(order.Id, "shipped", StatusCause.Person("manager"));

        var outcome = await PayAsync(h, order.Id);

        Assert.Equal(allowBackwards, outcome.Moved);
        Assert.Equal(expectedStatus, (await h.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Leaving_a_status_cancels_its_pending_delayed_rule()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("reminder", Log, new { Text = "pay please", Delay = new { kind = "After", value = 3, unit = "Days" } })], ["start->reminder"]);
        await h.PublishStatusAsync("paid", 200, [], []);
        var order = await h.CreateOrderAsync();

        await h.Pipeline.MoveAsync(order.Id, "paid", StatusCause.Person("manager"));
        h.Clock.Advance(TimeSpan.FromDays(4));

        Assert.Equal(0, await h.Engine.ResumeDueTimersAsync(h.Clock.GetUtcNow()));
        Assert.Single(h.Timers.Cancelled);
        Assert.DoesNotContain(await h.TimelineAsync(order.Id), e => e.Text == "pay please");
        Assert.Contains(await h.JournalAsync(order.Id), j => j.ActivityId == "reminder" && j.Event == JournalEvents.Cancelled);
    }

    [Fact]
    public async Task Loop_guard_stops_a_change_status_ping_pong()
    {
        await using var h = await RulesHarness.StartAsync(new PipelineOptions { MaxRuleMoves = 4, Window = TimeSpan.FromMinutes(1) });
        await h.PublishStatusAsync("ping", 100, [("toPong", "Automation.ChangeStatus", new { Status = "pong" })], ["start->toPong"]);
        await h.PublishStatusAsync("pong", 200, [("toPing", "Automation.ChangeStatus", new { Status = "ping" })], ["start->toPing"]);

        var order = await h.CreateOrderAsync();

        var timeline = await h.TimelineAsync(order.Id);
        Assert.Equal(4, timeline.Count(e => e.Kind == TimelineKind.StatusChange && e.Author == OrderPipeline.RuleAuthor));
        Assert.Contains(timeline, e => e.Kind == TimelineKind.Error && e.Text.StartsWith("Loop guard", StringComparison.Ordinal));
        Assert.Equal("ping", (await h.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Cancel_order_rule_stops_the_rest_of_the_stage_and_the_canceled_trigger_moves_the_order()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("cancel", "Automation.CancelOrder", new { Reason = "fraud" }), ("after", Log, new { Text = "never" })], ["start->cancel", "cancel->after"]);
        await h.PublishStatusAsync("canceled", 900, [("canceledTrigger", "Automation.OrderCanceledTrigger", null)], [], "failure");
        var order = await h.CreateOrderAsync();

        Assert.DoesNotContain(await h.TimelineAsync(order.Id), e => e.Text == "never");
        await using var db = h.Store();
        var canceled = await db.InboxEvents.SingleAsync(e => e.Type == "order.canceled");
        var outcome = await h.Events.ProcessAsync(canceled.Id);
        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal("canceled", (await h.OrderAsync(order.Id)).Status);
    }
}

public sealed class WebhookTriggerTests
{
    [Fact]
    public async Task Webhook_moves_the_order_to_the_status_whose_trigger_code_matches()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [], []);
        await h.PublishStatusAsync("confirmed", 200, [("hook", "Automation.WebhookTrigger", new { Code = "c5u4m" })], []);
        await h.PublishStatusAsync("packed", 300, [("hook", "Automation.WebhookTrigger", new { Code = "x9k2p" })], []);
        var order = await h.CreateOrderAsync();

        await using var db = h.Store();
        var hook = await new Automation.Orders.Events.EventInbox(db, h.Clock).AcceptAsync(new Automation.Orders.Events.InboxEvent
        {
            Type = "webhook",
            OrderId = order.Id,
            Data = "{\"code\":\"x9k2p\"}",
        }, CancellationToken.None);
        var outcome = await h.Events.ProcessAsync(hook.Event.Id);

        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal("packed", (await h.OrderAsync(order.Id)).Status);
    }
}
