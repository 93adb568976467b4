using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.EndToEnd;

/// Rule order, conditions and trigger direction (DESIGN.md §4), observed through the API on workflows written for
/// each case.
public sealed class RuleSemanticsTests
{
    private static readonly object AfterOneHour = new { kind = "After", value = 1, unit = "Hours" };

    [Fact]
    public async Task Connected_rules_wait_for_the_rule_before_them_while_rules_side_by_side_run_at_once()
    {
        var flow = new StatusFlow("new", 100)
            .Add("slow", "Automation.WriteToLog", new { text = "A: slow, after an hour", delay = AfterOneHour })
            .Add("next", "Automation.WriteToLog", new { text = "B: after A" })
            .Add("beside", "Automation.WriteToLog", new { text = "C: beside A" })
            .Connect("start->slow", "slow->next", "start->beside");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        Assert.Equal(["C: beside A"], Logged(await host.TimelineTextsAsync(id)));
        await host.AdvanceAsync(TimeSpan.FromMinutes(61));
        Assert.Equal(["C: beside A", "A: slow, after an hour", "B: after A"], Logged(await host.TimelineTextsAsync(id)));
    }

    [Fact]
    public async Task A_rule_whose_condition_fails_is_skipped_and_the_run_log_says_why_with_the_values_compared()
    {
        var flow = new StatusFlow("new", 100)
            .Add("big", "Automation.WriteToLog", new
            {
                text = "big order",
                title = "Only for big orders",
                condition = new { items = new[] { new { field = "amount", @operator = ">", value = "100" } } },
            })
            .Add("any", "Automation.WriteToLog", new { text = "any order" })
            .Connect("start->big", "big->any");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        Assert.Equal(["any order"], Logged(await host.TimelineTextsAsync(id)));
        var big = (await host.GetArrayAsync($"/api/orders/{id}/runs"))[0]!["activities"]!.AsArray()
            .Single(a => a!["activityId"]!.GetValue<string>() == "big")!["details"]!;
        Assert.Equal("Only for big orders", big["title"]!.GetValue<string>());
        Assert.Contains("condition not met", big["skipped"]!["reason"]!.GetValue<string>());
        var compared = big["condition"]!["compared"]![0]!;
        Assert.Equal(("amount", ">", "100", "40", false),
            (compared["field"]!.GetValue<string>(), compared["operator"]!.GetValue<string>(), compared["expected"]!.GetValue<string>(),
             compared["actual"]!.GetValue<string>().Split('.')[0], compared["result"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_trigger_may_move_an_order_back_only_when_it_allows_switching_to_a_previous_status()
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100).Add("hookBack", "Automation.WebhookTrigger", new { code = "reopen", allowBackwards = true }),
            ["paid"] = new StatusFlow("paid", 200).Add("payment", "Automation.PaymentTrigger"),
            ["packed"] = new StatusFlow("packed", 300).Add("hook", "Automation.WebhookTrigger", new { code = "packed" }),
        };
        await using var host = await ServiceHost.StartAsync(workflows);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await HookAsync(host, id, "packed");
        Assert.Equal("packed", await StatusAsync(host, id));

        // Payment's status is before `packed` and it may not move back.
        var payment = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
        Assert.False(payment["events"]![0]!["moved"]!.GetValue<bool>());
        Assert.Contains("may not move backwards", payment["events"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal("packed", await StatusAsync(host, id));

        var reopened = await HookAsync(host, id, "reopen");
        Assert.True(reopened["moved"]!.GetValue<bool>());
        Assert.Equal("new", await StatusAsync(host, id));
    }

    [Fact]
    public async Task A_faulting_rule_is_recorded_and_the_other_rules_of_the_status_carry_on()
    {
        var flow = new StatusFlow("new", 100)
            .Add("broken", "Automation.Notify", new { message = "nobody to tell", toManager = false })
            .Add("fine", "Automation.WriteToLog", new { text = "still ran" })
            .Connect("start->broken", "start->fine");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("still ran", timeline);
        Assert.Contains(timeline, t => t.StartsWith("Rule 'broken' failed", StringComparison.Ordinal) && t.Contains("no responsible", StringComparison.Ordinal));
        var broken = (await host.GetArrayAsync($"/api/orders/{id}/runs"))[0]!["activities"]!.AsArray()
            .Single(a => a!["activityId"]!.GetValue<string>() == "broken")!;
        Assert.Equal("Faulted", broken["event"]!.GetValue<string>());
        Assert.Contains("no responsible", broken["message"]!.GetValue<string>());
    }

    private static List<string> Logged(List<string> timeline) =>
        timeline.Where(t => !t.StartsWith("Order ", StringComparison.Ordinal) && !t.StartsWith("Status changed", StringComparison.Ordinal)).ToList();

    private static async Task<string> StatusAsync(ServiceHost host, long id) => (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>();

    private static async Task<JsonObject> HookAsync(ServiceHost host, long id, string code) =>
        await Expect.JsonAsync(await host.Client.PostAsync($"/hooks/{ServiceHost.HookSecret}?target=ORDER_{id}&code={code}", null), 200);
}
