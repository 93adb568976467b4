using System.Text.Json.Nodes;
using Automation.Orders.Clients;
using Automation.Orders.Employees;
using Automation.Orders.Timeline;
using Automation.Rules.Expressions;
using Automation.Rules.Tests.Support;
using Automation.Workflows.Expressions;
using Automation.Workflows.Runtime;

namespace Automation.Rules.Tests.Rules;

public sealed class RuleExecutionTests
{
    private const string Log = "Automation.WriteToLog";

    [Fact]
    public async Task Connected_rules_run_in_sequence_and_rules_from_start_run_side_by_side()
    {
        await using var h = await RulesHarness.StartAsync();
        var slow = new { Text = "slow", Delay = new { kind = "After", value = 10, unit = "Minutes" } };
        await h.PublishStatusAsync("new", 100,
            [("a", Log, slow), ("b", Log, new { Text = "after a" }), ("c", Log, new { Text = "parallel" })],
            ["start->a", "a->b", "start->c"]);
        var order = await h.CreateOrderAsync();

        Assert.Equal(["c"], await h.RanAsync(order.Id));
        h.Clock.Advance(TimeSpan.FromMinutes(10));
        await h.Engine.ResumeDueTimersAsync(h.Clock.GetUtcNow());

        Assert.Equal(["c", "a", "b"], await h.RanAsync(order.Id));
        var logs = (await h.TimelineAsync(order.Id)).Where(e => e.Kind == TimelineKind.Log).Select(e => e.Text);
        Assert.Equal(["parallel", "slow", "after a"], logs);
    }

    [Fact]
    public async Task Templates_read_the_client_and_the_responsible_they_name()
    {
        await using var h = await RulesHarness.StartAsync();
        var bea = await h.EmployeeAsync("Bea");
        await h.PublishStatusAsync("new", 100,
            [("number", Log, new { Text = Flow.Liquid("order {{ Order.Number }}") }),
             ("people", Log, new { Text = Flow.Liquid("for {{ Order.Client.Name }}, handled by {{ Order.Responsible.Name }}") })],
            ["start->number", "start->people"]);
        var order = await h.CreateOrderAsync(responsibleId: bea.Id);

        var logs = await h.TimelineTextsAsync(order.Id, TimelineKind.Log);
        Assert.Contains($"order {order.Number}", logs);
        Assert.Contains("for Ann Buyer, handled by Bea", logs);
    }

    [Fact]
    public async Task The_order_model_reads_the_client_and_the_responsible_only_for_expressions_that_may_name_them()
    {
        await using var h = await RulesHarness.StartAsync();
        var bea = await h.EmployeeAsync("Bea");
        await h.PublishStatusAsync("new", 100, [("log", Log, new { Text = "created" })], ["start->log"]);
        var order = await h.CreateOrderAsync(responsibleId: bea.Id);
        static ExpressionReferences Liquid(string template) => ExpressionReferences.Of([new Expression(ExpressionTypes.Liquid, JsonValue.Create(template))]);

        await using var db = h.Store();
        var tracked = (await db.Orders.FindAsync(order.Id))!;
        var numberOnly = await OrderExpressionModel.DescribeAsync(db, tracked, Liquid("{{ Order.Number }}"), CancellationToken.None);
        Assert.Equal(order.Number, numberOnly["Number"]);
        Assert.False(numberOnly.ContainsKey("Client"));
        Assert.False(numberOnly.ContainsKey("Responsible"));
        Assert.Empty(db.ChangeTracker.Entries<Client>());
        Assert.Empty(db.ChangeTracker.Entries<Employee>());

        var people = await OrderExpressionModel.DescribeAsync(db, tracked, Liquid("{{ Order.Client.Name }} {{ Order.Responsible.Email }}"), CancellationToken.None);
        Assert.Equal("Ann Buyer", ((Dictionary<string, object?>)people["Client"]!)["Name"]);
        Assert.Equal("bea@shop.test", ((Dictionary<string, object?>)people["Responsible"]!)["Email"]);
    }

    [Fact]
    public async Task Delayed_rule_waits_durably_and_runs_when_its_timer_is_due()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("later", Log, new { Text = "two hours later", Delay = new { kind = "After", value = 2, unit = "Hours" } })], ["start->later"]);
        var order = await h.CreateOrderAsync();
        var due = h.Clock.GetUtcNow().AddHours(2);

        Assert.Equal(due, Assert.Single(h.Timers.Scheduled).At);
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await h.Engine.ResumeDueTimersAsync(h.Clock.GetUtcNow()));
        Assert.Empty(await h.RanAsync(order.Id));

        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await h.Engine.ResumeDueTimersAsync(h.Clock.GetUtcNow()));
        Assert.Equal(["later"], await h.RanAsync(order.Id));
        Assert.Contains(await h.TimelineAsync(order.Id), e => e.Text == "two hours later" && e.At == due);
    }

    [Fact]
    public async Task Rule_whose_condition_fails_is_skipped_with_reason_and_compared_values()
    {
        await using var h = await RulesHarness.StartAsync();
        var condition = new { items = new object[] { new { field = "amount", @operator = ">", value = "500" } } };
        await h.PublishStatusAsync("new", 100, [("big", Log, new { Text = "big order", Condition = condition, Title = "Big orders" })], ["start->big"]);
        var order = await h.CreateOrderAsync(amount: 120m);

        var line = Assert.Single(await h.JournalAsync(order.Id), j => j.ActivityId == "big");
        var data = JsonNode.Parse(line.Data!)!;
        Assert.Equal(JournalEvents.Completed, line.Event);
        Assert.Equal("Big orders", (string?)data["title"]);
        Assert.Contains("condition not met", (string?)data["skipped"]!["reason"]);
        var compared = data["skipped"]!["compared"]![0]!;
        Assert.Equal(120m, decimal.Parse((string)compared["actual"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("500", (string?)compared["expected"]);
        Assert.False((bool)compared["result"]!);
        Assert.DoesNotContain(await h.TimelineAsync(order.Id), e => e.Text == "big order");
    }

    [Fact]
    public async Task Failing_rule_is_faulted_in_the_journal_and_an_error_on_the_timeline()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("notify", "Automation.Notify", new { Message = "check it" })], ["start->notify"]);
        var order = await h.CreateOrderAsync();

        Assert.Contains(await h.JournalAsync(order.Id), j => j.ActivityId == "notify" && j.Event == JournalEvents.Faulted);
        Assert.Contains(await h.TimelineAsync(order.Id), e => e.Kind == TimelineKind.Error && e.Text.Contains("has no responsible"));
    }

    [Fact]
    public async Task Control_notifies_the_head_of_the_responsible()
    {
        await using var h = await RulesHarness.StartAsync();
        var boss = await h.EmployeeAsync("Boss");
        var clerk = await h.EmployeeAsync("Clerk", boss.Id);
        await h.PublishStatusAsync("new", 100, [("notify", "Automation.Control", new { Message = "new order" })], ["start->notify"]);
        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        await using var db = h.Store();
        var sent = Assert.Single(db.Notifications);
        Assert.Equal((boss.Id, order.Id, "new order", clerk.Id), (sent.EmployeeId, sent.OrderId!.Value, sent.Text, sent.SenderId!.Value));
    }
}
