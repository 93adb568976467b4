using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Employees;

/// The rules no other end-to-end test drives: each one in a status workflow of the real host on a SQLite file, a fresh
/// order moved into that status through the HTTP API, and what a person would then see through the API.
public sealed class EveryRuleTests
{
    private const string Log = "Automation.WriteToLog";

    [Fact]
    public async Task Pay_order_marks_it_paid_so_delete_is_refused_while_an_unpaid_order_is_deleted()
    {
        var host = await StartAsync(
            new StatusFlow("closing", 200)
                .Add("pay", "Automation.PayOrder")
                .Add("delete", "Automation.DeleteOrder")
                .Add("after", Log, new { text = "still here after the delete rule" })
                .Connect("start->pay", "pay->delete", "delete->after"),
            new StatusFlow("spam", 300).Add("delete", "Automation.DeleteOrder").Connect("start->delete"));
        await using var _ = host;

        var paid = await NewOrderInAsync(host, "closing");
        var order = await host.GetAsync($"/api/orders/{paid}");
        Assert.True(order["isPaid"]!.GetValue<bool>());
        var payment = Assert.Single(order["payments"]!.AsArray())!;
        Assert.Equal((40m, true), (payment["amount"]!.GetValue<decimal>(), payment["paid"]!.GetValue<bool>()));
        var timeline = await host.TimelineTextsAsync(paid);
        Assert.Contains("Order marked paid", timeline);
        Assert.Contains("Rule 'delete' did nothing: Order 1001 is paid and may not be deleted.", timeline);
        Assert.Contains("still here after the delete rule", timeline);

        // The move that deleted the order succeeds and says so, with no order left to show.
        var unpaid = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var move = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{unpaid}/status", new { status = "spam" }), 200);
        Assert.Equal((true, "spam", null), (move["moved"]!.GetValue<bool>(), move["to"]!.GetValue<string>(), move["order"]));
        await Expect.ProblemAsync(await host.Client.GetAsync($"/api/orders/{unpaid}"), 404);
        var numbers = (await host.GetAsync("/api/orders"))["items"]!.AsArray().Select(o => o!["number"]!.GetValue<string>()).ToList();
        Assert.Equal(["1001"], numbers);
    }

    [Fact]
    public async Task Shipment_rules_allow_delivery_set_status_edit_one_delivery_service_and_ship_the_order()
    {
        var host = await StartAsync(
            new StatusFlow("packing", 200)
                .Add("allow", "Automation.AllowDelivery")
                .Add("packed", "Automation.SetShipmentStatus", new { status = "packed" })
                .Add("dhl", "Automation.EditShipments", new { deliveryService = "DHL", status = "in-transit", shipped = "yes" })
                .Add("log", Log, new { text = "edited shipments {{ Activities.dhl.ShipmentIds | size }}" })
                .Connect("start->allow", "allow->packed", "packed->dhl", "dhl->log"),
            new StatusFlow("dispatched", 300).Add("ship", "Automation.ShipOrder").Connect("start->ship"));
        await using var _ = host;

        var id = await NewOrderInAsync(host, "packing", shipments: ["DHL", "UPS"]);
        var order = await host.GetAsync($"/api/orders/{id}");
        Assert.True(order["deliveryAllowed"]!.GetValue<bool>());
        Assert.False(order["isShipped"]!.GetValue<bool>());
        Assert.Equal(["DHL in-transit approved shipped", "UPS packed approved waiting"], Shipments(order));
        Assert.Contains("edited shipments 1", await host.TimelineTextsAsync(id));

        await MoveAsync(host, id, "dispatched");
        order = await host.GetAsync($"/api/orders/{id}");
        Assert.True(order["isShipped"]!.GetValue<bool>());
        Assert.Equal(["DHL in-transit approved shipped", "UPS packed approved shipped"], Shipments(order));
    }

    [Fact]
    public async Task Cancel_order_cancels_with_the_reason_and_stops_the_rest_of_the_status()
    {
        var host = await StartAsync(new StatusFlow("fraud", 200)
            .Add("cancel", "Automation.CancelOrder", new { reason = "Card of order {{ Order.Number }} reported stolen" })
            .Add("after", Log, new { text = "ran after the cancel" })
            .Connect("start->cancel", "cancel->after"));
        await using var _ = host;

        var id = await NewOrderInAsync(host, "fraud");
        var order = await host.GetAsync($"/api/orders/{id}");
        Assert.True(order["isCanceled"]!.GetValue<bool>());
        Assert.Equal("Card of order 1001 reported stolen", order["cancelReason"]!.GetValue<string>());
        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("Order canceled: Card of order 1001 reported stolen", timeline);
        Assert.DoesNotContain("ran after the cancel", timeline);
    }

    [Fact]
    public async Task Change_status_moves_the_order_whose_next_status_adds_a_comment_from_its_author()
    {
        var host = await StartAsync(
            new StatusFlow("check", 200)
                .Add("move", "Automation.ChangeStatus", new { status = "approved" })
                .Add("after", Log, new { text = "ran after the move" })
                .Connect("start->move", "move->after"),
            new StatusFlow("approved", 300)
                .Add("comment", "Automation.AddComment", new { text = "Order {{ Order.Number }} approved, go ahead.", author = "Fraud check" })
                .Connect("start->comment"));
        await using var _ = host;

        var id = await NewOrderInAsync(host, "check");
        Assert.Equal("approved", (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>());
        var entries = (await host.GetAsync($"/api/orders/{id}/timeline"))["items"]!.AsArray();
        var comment = Assert.Single(entries, e => e!["kind"]!.GetValue<string>() == "Comment")!;
        Assert.Equal(("Order 1001 approved, go ahead.", "Fraud check"), (comment["text"]!.GetValue<string>(), comment["author"]!.GetValue<string>()));
        Assert.Contains(entries, e => e!["text"]!.GetValue<string>().StartsWith("Status changed from 'check' to 'approved'", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e!["text"]!.GetValue<string>() == "ran after the move");
    }

    [Fact]
    public async Task Control_notification_employee_information_and_employee_sms_reach_the_people_they_name()
    {
        var host = await StartAsync(new StatusFlow("review", 200)
            .Add("control", "Automation.Control", new { message = "Keep an eye on order {{ Order.Number }}" })
            .Add("notify", "Automation.Notify", new { message = "Order {{ Order.Number }} needs a review", recipients = new[] { 2L }, toManager = true, sender = 1L })
            .Add("who", "Automation.EmployeeInformation")
            .Add("log", Log, new { text = "{{ Activities.who.EmployeeName }} reports to {{ Activities.who.ManagerName }}" })
            .Add("sms", "Automation.SendSmsToEmployee", new { text = "Review order {{ Order.Number }} today" })
            .Connect("start->control", "control->notify", "notify->who", "who->log", "log->sms"));
        await using var _ = host;
        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync("/api/employees/2", new { phone = "+1 555 0199" }), 200);

        var id = await NewOrderInAsync(host, "review");

        // Sam (2) is the responsible, Mia (1) his head: Control goes to the head only, the notification to both, from Mia.
        var toMia = (await host.GetAsync("/api/notifications?employeeId=1"))["items"]!.AsArray();
        Assert.Equal(["Keep an eye on order 1001 from 2", "Order 1001 needs a review from 1"], Texts(toMia));
        var toSam = (await host.GetAsync("/api/notifications?employeeId=2"))["items"]!.AsArray();
        Assert.Equal(["Order 1001 needs a review from 1"], Texts(toSam));
        Assert.All(toMia.Concat(toSam), n => Assert.Equal(id, n!["orderId"]!.GetValue<long>()));

        Assert.Contains("Sam Seller reports to Mia Manager", await host.TimelineTextsAsync(id));

        var sms = Assert.Single((await host.GetAsync("/api/employee-messages?employeeId=2"))["items"]!.AsArray())!;
        Assert.Equal(("Sms", "+1 555 0199", "Review order 1001 today", id),
            (sms["channel"]!.GetValue<string>(), sms["address"]!.GetValue<string>(), sms["text"]!.GetValue<string>(), sms["orderId"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Edit_element_sets_and_appends_order_fields_and_edit_list_item_changes_only_the_named_field()
    {
        var host = await StartAsync(new StatusFlow("wrapping", 200)
            .Add("fields", "Automation.EditElement", new { fields = new Dictionary<string, string> { ["giftNote"] = "For order {{ Order.Number }}" } })
            .Add("tags", "Automation.EditElement", new { fields = new Dictionary<string, string> { ["tags"] = "gift" }, append = true })
            .Add("item", "Automation.EditListItem", new { list = 1, itemId = 1, values = new Dictionary<string, string> { ["order"] = "{{ Order.Number }}" } })
            .Add("details", "Automation.DetailsInformation", new { fields = new[] { "taxId" } })
            .Add("log", Log, new { text = "client {{ Activities.details.ClientName }} tax id {{ Activities.details.taxId }}" })
            .Connect("start->fields", "fields->tags", "tags->item", "item->details", "details->log"));
        await using var _ = host;
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/lists", new
        {
            name = "Gift wrapping",
            fields = new object[] { new { code = "order", name = "Order" }, new { code = "paper", name = "Paper" } },
        }), 201);
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/lists/1/items", new { values = new { order = "none yet", paper = "red" } }), 201);

        var id = await NewOrderInAsync(host, "wrapping", fields: new() { ["tags"] = "[\"vip\"]" });

        var fields = (await host.GetAsync($"/api/orders/{id}"))["fields"]!;
        Assert.Equal("For order 1001", fields["giftNote"]!.GetValue<string>());
        Assert.Equal(["vip", "gift"], JsonNode.Parse(fields["tags"]!.GetValue<string>())!.AsArray().Select(t => t!.GetValue<string>()).ToList());
        Assert.Contains("Fields set: giftNote = For order 1001", await host.TimelineTextsAsync(id));

        var item = await host.GetAsync("/api/lists/1/items/1");
        Assert.Equal(("1001", "red"), (item["values"]!["order"]!.GetValue<string>(), item["values"]!["paper"]!.GetValue<string>()));
        Assert.Contains("client Ann Buyer tax id ", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Run_workflow_starts_the_reusable_workflow_with_its_parameters_and_schedule_call_books_the_call()
    {
        var reusable = JsonNode.Parse(new StatusFlow("gift-note", 0)
            .Add("note", Log, new { text = "Gift note for {{ Order.Number }}: {{ Input.note }}" })
            .Connect("start->note").Json())!.AsObject();
        reusable.Remove("customProperties");
        var host = await StartAsync(
            new StatusFlow("gift", 200)
                .Add("run", "Automation.RunWorkflow", new { workflow = "gift-note", parameters = new Dictionary<string, object> { ["note"] = "Happy birthday, {{ Order.Client.Name }}" } })
                .Add("call", "Automation.ScheduleCall", new { subject = "Confirm the gift address", startInHours = 2, durationMinutes = 15, reminderMinutes = 10, important = true })
                .Add("log", Log, new { text = "run {{ Activities.run.WorkflowInstanceId }}" })
                .Connect("start->run", "run->call", "call->log"),
            ("gift-note", reusable.ToJsonString()));
        await using var _ = host;

        var id = await NewOrderInAsync(host, "gift");

        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains("Gift note for 1001: Happy birthday, Ann Buyer", timeline);
        var runs = await host.GetArrayAsync($"/api/orders/{id}/runs");
        var run = Assert.Single(runs, r => r!["definitionId"]!.GetValue<string>() == "gift-note")!;
        Assert.Contains($"run {run["instanceId"]}", timeline);

        var call = Assert.Single(await host.GetArrayAsync($"/api/orders/{id}/activities"))!;
        var start = host.Clock.GetUtcNow().AddHours(2);
        Assert.Equal(("Call", "Confirm the gift address", 2L, 10, true),
            (call["kind"]!.GetValue<string>(), call["subject"]!.GetValue<string>(), call["responsibleId"]!.GetValue<long>(),
             call["reminderMinutes"]!.GetValue<int>(), call["isImportant"]!.GetValue<bool>()));
        Assert.Equal((start, start.AddMinutes(15)), (call["startAt"]!.GetValue<DateTimeOffset>(), call["endAt"]!.GetValue<DateTimeOffset>()));
    }

    /// The host with an empty first status `new` (where orders are created) and the status under test.
    private static Task<ServiceHost> StartAsync(StatusFlow flow, StatusFlow? second = null) =>
        ServiceHost.StartAsync(Workflows(flow, second));

    private static Task<ServiceHost> StartAsync(StatusFlow flow, (string Name, string Json) extra)
    {
        var workflows = Workflows(flow, null);
        workflows[extra.Name] = extra.Json;
        return ServiceHost.StartAsync(workflows);
    }

    private static Dictionary<string, string> Workflows(StatusFlow flow, StatusFlow? second)
    {
        var workflows = new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) };
        foreach (var status in new[] { flow, second }.OfType<StatusFlow>())
            workflows[JsonNode.Parse(status.Json())!["definitionId"]!.GetValue<string>()] = status;
        return workflows;
    }

    /// A fresh order of Ann Buyer (40 EUR, responsible Sam Seller) moved into the status; its id.
    private static async Task<long> NewOrderInAsync(ServiceHost host, string status, string[]? shipments = null, Dictionary<string, string?>? fields = null)
    {
        var order = await host.CreateOrderAsync(new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com", phone = "+1 555 0100" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
            responsibleId = 2,
            shipments = (shipments ?? []).Select(s => new { deliveryService = s }).ToArray(),
            fields,
        });
        var id = order["id"]!.GetValue<long>();
        await MoveAsync(host, id, status);
        return id;
    }

    private static async Task MoveAsync(ServiceHost host, long id, string status) =>
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/status", new { status }), 200);

    private static List<string> Shipments(JsonNode order) => order["shipments"]!.AsArray()
        .Select(s => $"{s!["deliveryService"]} {s["status"]} {(s["approved"]!.GetValue<bool>() ? "approved" : "held")} {(s["shipped"]!.GetValue<bool>() ? "shipped" : "waiting")}")
        .ToList();

    private static List<string> Texts(JsonArray notifications) =>
        notifications.Select(n => $"{n!["text"]} from {n["senderId"]}").OrderBy(t => t, StringComparer.Ordinal).ToList();
}
