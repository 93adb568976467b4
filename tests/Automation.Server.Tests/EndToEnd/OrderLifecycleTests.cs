using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.EndToEnd;

/// The default pipeline of workflows/ driven through the HTTP API, as a store would drive it.
public sealed class OrderLifecycleTests
{
    [Fact]
    public async Task Order_runs_its_rules_moves_on_payment_and_webhook_and_the_old_status_delayed_rule_never_runs()
    {
        await using var host = await ServiceHost.StartAsync();
        var order = await host.CreateOrderAsync(new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com" },
            items = new[] { new { name = "Teapot", quantity = 2, price = 20 } },
            currency = "EUR",
            responsibleId = 2,
            shipments = new[] { new { deliveryService = "DHL" } },
        });
        var id = order["id"]!.GetValue<long>();
        Assert.Equal("new", order["status"]!.GetValue<string>());
        Assert.Equal("1001", order["number"]!.GetValue<string>());

        // The `new` rules ran: a generated reference used by the next rule in sequence, a notification in parallel.
        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("Order 1001 received from Ann Buyer; reference ORD-2026-00001.", timeline);
        var notifications = await host.GetAsync("/api/notifications?employeeId=2");
        Assert.Equal("New order 1001: 40 EUR.", notifications["items"]![0]!["text"]!.GetValue<string>());
        var task = Assert.Single((await host.GetAsync($"/api/tasks?orderId={id}"))["items"]!.AsArray())!;
        Assert.Equal(("Confirm order 1001 with Ann Buyer", 2L, "High", 2, host.Clock.GetUtcNow().AddDays(1)),
            (task["title"]!.GetValue<string>(), task["responsibleId"]!.GetValue<long>(), task["priority"]!.GetValue<string>(),
             task["checklist"]!.AsArray().Count, task["deadline"]!.GetValue<DateTimeOffset>()));
        Assert.False((await host.GetAsync($"/api/orders/{id}"))["deliveryAllowed"]!.GetValue<bool>());

        var paid = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
        Assert.Equal("paid", paid["order"]!["status"]!.GetValue<string>());
        Assert.True(paid["order"]!["isPaid"]!.GetValue<bool>());
        // The event is stored by the payment's own save, before the payment has its id; the stored event names it.
        var paymentEvent = await host.GetAsync($"/api/events/{paid["events"]![0]!["eventId"]!.GetValue<long>()}");
        Assert.Equal((paid["payment"]!["id"]!.GetValue<long>(), 40m), (paymentEvent["data"]!["paymentId"]!.GetValue<long>(), paymentEvent["data"]!["amount"]!.GetValue<decimal>()));
        Assert.NotNull(paymentEvent["processedAt"]);
        Assert.True((await host.GetAsync($"/api/orders/{id}"))["deliveryAllowed"]!.GetValue<bool>());
        Assert.True(paid["events"]![0]!["moved"]!.GetValue<bool>());

        // Three days later the `new` status's payment reminder would be due, but the order left `new`.
        await host.AdvanceAsync(TimeSpan.FromDays(4));
        Assert.DoesNotContain(await host.TimelineTextsAsync(id), t => t.Contains("still not paid", StringComparison.Ordinal));

        var hook = await Expect.JsonAsync(await host.Client.GetAsync($"/hooks/{ServiceHost.HookSecret}?target=ORDER_{id}&code=shipped"), 200);
        Assert.True(hook["moved"]!.GetValue<bool>());
        var shipped = await host.GetAsync($"/api/orders/{id}");
        Assert.Equal("shipped", shipped["status"]!.GetValue<string>());
        Assert.True(shipped["isShipped"]!.GetValue<bool>());
        Assert.Equal("in-transit", shipped["shipments"]![0]!["status"]!.GetValue<string>());

        timeline = await host.TimelineTextsAsync(id);
        Assert.Equal(
            ["Order 1001 created in status 'new'", "Order 1001 received from Ann Buyer; reference ORD-2026-00001.",
             "Payment of 40.00 EUR received", "Payment received for order 1001; preparing the shipment.", "Order 1001 has left the warehouse."],
            timeline.Where(t => t.StartsWith("Order 1001", StringComparison.Ordinal) || t.StartsWith("Payment", StringComparison.Ordinal)).ToList());
        Assert.Contains(timeline, t => t.StartsWith("Status changed from 'new' to 'paid'", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.StartsWith("Status changed from 'paid' to 'shipped'", StringComparison.Ordinal));

        // The run log: one instance per status; `new` cancelled with its reminder still waiting, never completed.
        var runs = await host.GetArrayAsync($"/api/orders/{id}/runs");
        Assert.Equal(["new", "paid", "shipped"], runs.Select(r => r!["definitionId"]!.GetValue<string>()).ToList());
        Assert.Equal("Cancelled", runs[0]!["status"]!.GetValue<string>());
        var reminder = runs[0]!["activities"]!.AsArray().Where(a => a!["activityId"]!.GetValue<string>() == "reminder").Select(a => a!["event"]!.GetValue<string>()).ToList();
        Assert.Equal(["Suspended", "Cancelled"], reminder);
        var code = runs[0]!["activities"]!.AsArray().Single(a => a!["activityId"]!.GetValue<string>() == "code")!;
        Assert.Equal("ORD-2026-00001", code["details"]!["outputs"]!["Code"]!.GetValue<string>());
        Assert.Equal("Generate the order reference", code["details"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Payment_reminder_runs_after_three_days_when_the_order_stays_unpaid()
    {
        await using var host = await ServiceHost.StartAsync();
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await host.AdvanceAsync(TimeSpan.FromDays(2));
        Assert.DoesNotContain(await host.TimelineTextsAsync(id), t => t.Contains("still not paid", StringComparison.Ordinal));
        await host.AdvanceAsync(TimeSpan.FromDays(1.5));
        Assert.Contains("Order 1001 is still not paid three days after it was placed.", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Statuses_list_the_pipeline_in_order_with_each_status_triggers_and_rules()
    {
        await using var host = await ServiceHost.StartAsync();
        var statuses = await host.GetArrayAsync("/api/statuses");
        Assert.Equal(["new", "paid", "shipped", "completed", "canceled"], statuses.Select(s => s!["code"]!.GetValue<string>()).ToList());
        var paid = statuses[1]!;
        Assert.Equal("Payment", paid["triggers"]![0]!["displayName"]!.GetValue<string>());
        Assert.Equal(["Confirm the payment", "Tell the responsible to prepare it", "Allow delivery of the paid order"], paid["rules"]!.AsArray().Select(r => r!["title"]!.GetValue<string>()).ToList());
        var welcome = statuses[0]!["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == "welcome")!;
        Assert.Equal(["code"], welcome["after"]!.AsArray().Select(a => a!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task Canceling_moves_the_order_to_canceled_from_any_status_and_a_later_payment_is_refused()
    {
        await using var host = await ServiceHost.StartAsync();
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
        var canceled = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "customer changed mind" }), 200);
        Assert.Equal("canceled", canceled["order"]!["status"]!.GetValue<string>());
        Assert.Contains("Order 1001 was canceled: customer changed mind", await host.TimelineTextsAsync(id));
        Assert.Contains("Canceled order 1001 closed; no further rules run.", await host.TimelineTextsAsync(id));

        var timelineBefore = await host.TimelineTextsAsync(id);
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 5 }), 409, "canceled");
        Assert.Equal(timelineBefore, await host.TimelineTextsAsync(id));
        Assert.Single((await host.GetAsync($"/api/orders/{id}"))["payments"]!.AsArray());
    }

    [Fact]
    public async Task Person_moves_an_order_by_status_code_and_unknown_codes_are_named()
    {
        await using var host = await ServiceHost.StartAsync();
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var moved = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/status", new { status = "completed", actor = "Mia" }), 200);
        Assert.Equal("completed", moved["order"]!["status"]!.GetValue<string>());
        Assert.Contains("Order 1001 was delivered.", await host.TimelineTextsAsync(id));
        var post = Assert.Single((await host.GetAsync("/api/feed"))["items"]!.AsArray())!;
        Assert.Equal(("Order 1001 delivered", "Ann Buyer received order 1001.", id),
            (post["title"]!.GetValue<string>(), post["text"]!.GetValue<string>(), post["orderId"]!.GetValue<long>()));
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/status", new { status = "lost" }), 400, "'lost'", "new, paid");
        Assert.Equal("completed", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Orders_are_listed_by_status_newest_first_with_paging()
    {
        await using var host = await ServiceHost.StartAsync();
        for (var i = 0; i < 3; i++) await host.CreateOrderAsync();
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/orders/2/payments", new { amount = 40 }), 201);
        var fresh = await host.GetAsync("/api/orders?status=new&limit=1");
        Assert.Equal(2, fresh["total"]!.GetValue<int>());
        Assert.Equal("1003", fresh["items"]![0]!["number"]!.GetValue<string>());
        var paid = await host.GetAsync("/api/orders?status=paid");
        Assert.Equal(["1002"], paid["items"]!.AsArray().Select(o => o!["number"]!.GetValue<string>()).ToList());
    }
}
