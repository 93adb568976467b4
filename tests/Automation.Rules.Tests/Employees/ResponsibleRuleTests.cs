using Automation.Orders.Timeline;
using Automation.Rules.Tests.Support;

namespace Automation.Rules.Tests.Employees;

public sealed class ResponsibleRuleTests
{
    private const string Change = "Automation.ChangeResponsible";

    [Fact]
    public async Task Round_robin_hands_orders_in_turn_skipping_an_absent_employee_and_later_rules_see_the_new_responsible()
    {
        await using var h = await RulesHarness.StartAsync();
        var ann = await h.EmployeeAsync("Ann");
        var bob = await h.EmployeeAsync("Bob", absent: true);
        var cid = await h.EmployeeAsync("Cid");
        await h.PublishStatusAsync("new", 100,
            [
                ("assign", Change, new { Candidates = new[] { ann.Id, bob.Id, cid.Id }, Mode = "RoundRobin" }),
                ("log", "Automation.WriteToLog", new { Text = Flow.Liquid("now {{ Activities.assign.NewResponsibleId }}") }),
            ],
            ["start->assign", "assign->log"]);

        var assigned = new List<long?>();
        for (var i = 0; i < 4; i++) assigned.Add((await h.OrderAsync((await h.CreateOrderAsync()).Id)).ResponsibleId);

        Assert.Equal([ann.Id, cid.Id, ann.Id, cid.Id], assigned);
        Assert.Contains($"now {cid.Id}", await h.TimelineTextsAsync(2, TimelineKind.Log));
    }

    [Fact]
    public async Task First_available_takes_the_first_employee_who_is_not_absent()
    {
        await using var h = await RulesHarness.StartAsync();
        var away = await h.EmployeeAsync("Away", absent: true);
        var here = await h.EmployeeAsync("Here");
        await h.PublishStatusAsync("new", 100, [("assign", Change, new { Candidates = new[] { away.Id, here.Id }, Mode = "FirstAvailable" })], ["start->assign"]);

        var order = await h.CreateOrderAsync();

        Assert.Equal(here.Id, (await h.OrderAsync(order.Id)).ResponsibleId);
    }

    [Fact]
    public async Task Random_never_picks_the_current_responsible()
    {
        await using var h = await RulesHarness.StartAsync();
        var current = await h.EmployeeAsync("Current");
        var other = await h.EmployeeAsync("Other");
        await h.PublishStatusAsync("new", 100, [("assign", Change, new { Candidates = new[] { current.Id, other.Id }, Mode = "Random" })], ["start->assign"]);

        for (var i = 0; i < 5; i++)
        {
            var order = await h.CreateOrderAsync(responsibleId: current.Id);
            Assert.Equal(other.Id, (await h.OrderAsync(order.Id)).ResponsibleId);
        }
    }

    [Fact]
    public async Task When_nobody_is_available_the_rule_says_why_and_the_next_rule_still_runs()
    {
        await using var h = await RulesHarness.StartAsync();
        var away = await h.EmployeeAsync("Away", absent: true);
        var clerk = await h.EmployeeAsync("Clerk");
        await h.PublishStatusAsync("new", 100,
            [("assign", Change, new { Candidates = new[] { away.Id }, Mode = "FirstAvailable", Title = "Assign" }), ("log", "Automation.WriteToLog", new { Text = "next" })],
            ["start->assign", "assign->log"]);

        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        Assert.Equal(clerk.Id, (await h.OrderAsync(order.Id)).ResponsibleId);
        Assert.Equal(["Rule 'Assign' did nothing: none of the employees Away is available", "next"], await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }
}
