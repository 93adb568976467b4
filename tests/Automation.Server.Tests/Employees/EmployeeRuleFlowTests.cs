using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Employees;

/// The employee rules in status workflows of the real host, observed and driven through the HTTP API as a person would.
public sealed class EmployeeRuleFlowTests
{
    private const string Log = "Automation.WriteToLog";

    [Fact]
    public async Task Task_rule_holds_the_next_rule_until_the_task_is_completed_through_the_api()
    {
        var flow = new StatusFlow("new", 100)
            .Add("task", "Automation.CreateTask", new
            {
                taskTitle = "Pack order {{ Order.Number }}",
                auditors = new[] { 1L },
                deadlineInDays = 2,
                priority = "High",
                checklist = new[] { "box", "label" },
                waitForCompletion = true,
            })
            .Add("log", Log, new { text = "task {{ Activities.task.TaskId }} closed by {{ Activities.task.ClosedBy }}" })
            .Connect("start->task", "task->log");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var id = (await host.CreateOrderAsync(NewOrder(responsibleId: 2)))["id"]!.GetValue<long>();

        var tasks = await host.GetAsync($"/api/tasks?orderId={id}&openOnly=true");
        var task = Assert.Single(tasks["items"]!.AsArray())!;
        var taskId = task["id"]!.GetValue<long>();
        Assert.Equal(("Pack order 1001", 2L, "High", 2, false), (task["title"]!.GetValue<string>(), task["responsibleId"]!.GetValue<long>(),
            task["priority"]!.GetValue<string>(), task["checklist"]!.AsArray().Count, task["isCompleted"]!.GetValue<bool>()));
        Assert.Equal(taskId, (await host.GetAsync("/api/tasks?employeeId=2"))["items"]![0]!["id"]!.GetValue<long>());
        Assert.DoesNotContain(await host.TimelineTextsAsync(id), t => t.StartsWith("task ", StringComparison.Ordinal));

        var completed = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { closedById = 2 }), 200);
        Assert.True(completed["task"]!["isCompleted"]!.GetValue<bool>());
        Assert.Equal(1, Assert.Single(completed["events"]!.AsArray())!["resumedWaits"]!.GetValue<int>());
        Assert.Contains($"task {taskId} closed by 2", await host.TimelineTextsAsync(id));
        Assert.Equal(host.Clock.GetUtcNow(), (await host.GetAsync($"/api/tasks/{taskId}"))["closedAt"]!.GetValue<DateTimeOffset>());

        // Completing it again changes nothing and runs nothing twice.
        var again = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { closedById = 1 }), 200);
        Assert.Empty(again["events"]!.AsArray());
        Assert.Equal(2, again["task"]!["closedById"]!.GetValue<long>());
        Assert.Single(await host.TimelineTextsAsync(id), t => t.StartsWith("task ", StringComparison.Ordinal));
        Assert.Equal(0, (await host.GetAsync($"/api/tasks?orderId={id}&openOnly=true"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Auto_completing_activity_is_completed_when_the_order_leaves_the_status_and_a_meeting_stays_open()
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100)
                .Add("todo", "Automation.CreateActivity", new { subject = "Confirm order {{ Order.Number }}", dueInHours = 4 })
                .Add("meeting", "Automation.ScheduleMeeting", new { subject = "Fitting", startInHours = 24, durationMinutes = 60 })
                .Connect("start->todo", "start->meeting"),
            ["paid"] = new StatusFlow("paid", 200),
        };
        await using var host = await ServiceHost.StartAsync(workflows);
        var id = (await host.CreateOrderAsync(NewOrder(responsibleId: 2)))["id"]!.GetValue<long>();

        var open = await host.GetArrayAsync($"/api/orders/{id}/activities");
        Assert.Equal(["ToDo Confirm order 1001 new", "Meeting Fitting "],
            open.Select(a => $"{a!["kind"]} {a["subject"]} {a["autoCompleteStatus"]}").ToList());
        Assert.Equal(host.Clock.GetUtcNow().AddHours(4), open[0]!["endAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(2, open[0]!["responsibleId"]!.GetValue<long>());

        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/status", new { status = "paid" }), 200);

        Assert.Equal(["Fitting"], (await host.GetArrayAsync($"/api/orders/{id}/activities")).Select(a => a!["subject"]!.GetValue<string>()).ToList());
        var todo = (await host.GetArrayAsync($"/api/orders/{id}/activities?includeCompleted=true"))[0]!;
        Assert.True(todo["isCompleted"]!.GetValue<bool>());
        Assert.Equal("the order left status 'new'", todo["completedReason"]!.GetValue<string>());
        Assert.Contains("To-do 'Confirm order 1001' completed: the order left status 'new'", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Document_rule_publishes_a_link_that_serves_the_rendered_html_with_the_order_number_without_an_api_key()
    {
        var flow = new StatusFlow("new", 100).Add("doc", "Automation.CreateDocument", new { template = 1, publicLink = true }).Connect("start->doc");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new
        {
            name = "Invoice",
            body = "<h1>Invoice {{ Document.Number }}</h1><p>Order {{ Order.Number }} for {{ Order.Client.Name }}</p>",
            numberFormat = "INV-{year}-{n:000}",
        }), 201);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var document = Assert.Single(await host.GetArrayAsync($"/api/orders/{id}/documents"))!;
        Assert.Equal(("INV-2026-001", "Invoice INV-2026-001"), (document["number"]!.GetValue<string>(), document["title"]!.GetValue<string>()));
        var expected = "<h1>Invoice INV-2026-001</h1><p>Order 1001 for Ann Buyer</p>";
        Assert.Equal(expected, (await host.GetAsync($"/api/documents/{document["id"]}"))["html"]!.GetValue<string>());

        host.Client.DefaultRequestHeaders.Authorization = null;
        var published = await host.Client.GetAsync(document["publicUrl"]!.GetValue<string>());
        Assert.Equal(200, (int)published.StatusCode);
        Assert.Equal("text/html", published.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await published.Content.ReadAsStringAsync());
        await Expect.ProblemAsync(await host.Client.GetAsync("/public/documents/0123456789abcdef"), 404, "No document");
        await Expect.ProblemAsync(await host.Client.GetAsync($"/api/documents/{document["id"]}"), 401, "API key");
    }

    [Fact]
    public async Task List_item_created_by_one_rule_is_read_by_a_later_rule_through_its_outputs()
    {
        var flow = new StatusFlow("new", 100)
            .Add("create", "Automation.CreateListItem", new { list = 1, values = new Dictionary<string, string> { ["order"] = "{{ Order.Number }}", ["cost"] = "4.5" } })
            .Add("read", "Automation.ReadListItem", new { list = 1, itemId = "{{ Activities.create.ItemId }}", fields = new[] { "order", "cost" } })
            .Add("log", Log, new { text = "wrapping {{ Activities.read.order }} costs {{ Activities.read.cost }}" })
            .Connect("start->create", "create->read", "read->log");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/lists", new
        {
            name = "Gift wrapping",
            fields = new object[] { new { code = "order", name = "Order", required = true }, new { code = "cost", name = "Cost", type = "Number" } },
        }), 201);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var item = Assert.Single((await host.GetAsync("/api/lists/1/items"))["items"]!.AsArray())!;
        Assert.Equal(("1001", 4.5m), (item["values"]!["order"]!.GetValue<string>(), item["values"]!["cost"]!.GetValue<decimal>()));
        Assert.Contains("wrapping 1001 costs 4.5", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Change_responsible_hands_orders_out_in_turn_and_skips_an_absent_employee()
    {
        var flow = new StatusFlow("new", 100).Add("assign", "Automation.ChangeResponsible", new { candidates = new[] { 1L, 2L, 3L }, mode = "RoundRobin" }).Connect("start->assign");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/employees", new { name = "Tia Third", email = "tia@shop.test" }), 201);

        var picked = new List<long>();
        for (var i = 0; i < 3; i++) picked.Add(await ResponsibleOfNewOrderAsync(host));
        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync("/api/employees/2", new { isAbsent = true }), 200);
        for (var i = 0; i < 2; i++) picked.Add(await ResponsibleOfNewOrderAsync(host));

        Assert.Equal([1L, 2L, 3L, 1L, 3L], picked);
    }

    [Fact]
    public async Task Feed_post_employee_email_and_client_details_written_by_rules_are_shown_by_the_api()
    {
        var flow = new StatusFlow("new", 100)
            .Add("post", "Automation.AddFeedMessage", new { postTitle = "New order", message = "Order {{ Order.Number }} came in", recipients = new[] { 2L } })
            .Add("mail", "Automation.SendEmailToEmployee", new { subject = "Order {{ Order.Number }}", text = "Please call the buyer.", employee = 2L })
            .Add("details", "Automation.EditDetails", new { details = new Dictionary<string, string> { ["taxId"] = "DE-{{ Order.Number }}" } })
            .Connect("start->post", "start->mail", "start->details");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var order = await host.CreateOrderAsync();
        var id = order["id"]!.GetValue<long>();

        var post = Assert.Single((await host.GetAsync("/api/feed?employeeId=2"))["items"]!.AsArray())!;
        Assert.Equal(("New order", "Order 1001 came in", id), (post["title"]!.GetValue<string>(), post["text"]!.GetValue<string>(), post["orderId"]!.GetValue<long>()));
        Assert.Equal(0, (await host.GetAsync("/api/feed?employeeId=1"))["total"]!.GetValue<int>());

        // Its delivery (ClientChannelsTests) may already have been tried: without a mailbox it fails, so the state is not asserted here.
        var mail = Assert.Single((await host.GetAsync("/api/employee-messages?employeeId=2"))["items"]!.AsArray())!;
        Assert.Equal(("Email", "sam@shop.test", "Order 1001"),
            (mail["channel"]!.GetValue<string>(), mail["address"]!.GetValue<string>(), mail["subject"]!.GetValue<string>()));
        Assert.Equal(0, (await host.GetAsync("/api/employee-messages?status=Sent"))["total"]!.GetValue<int>());

        var client = await host.GetAsync($"/api/clients/{order["client"]!["id"]}");
        Assert.Equal("DE-1001", client["details"]!["taxId"]!.GetValue<string>());
    }

    private static object NewOrder(long responsibleId) => new
    {
        client = new { name = "Ann Buyer", email = "ann@example.com" },
        items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
        currency = "EUR",
        responsibleId,
    };

    private static async Task<long> ResponsibleOfNewOrderAsync(ServiceHost host)
    {
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        return (await host.GetAsync($"/api/orders/{id}"))["responsibleId"]!.GetValue<long>();
    }
}
