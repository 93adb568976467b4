using System.Net.Http.Json;
using System.Text;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.Employees;

/// What a person does with the employee resources through the API, and what they get for a mistake: a 4xx problem
/// naming the field or the missing thing, and nothing stored changes.
public sealed class EmployeeApiTests
{
    [Fact]
    public async Task Feed_shows_each_employee_the_posts_for_everyone_and_for_them_and_refuses_bad_posts()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var toAll = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/feed", new { title = "Sale", text = "Sale starts Monday", authorId = 1 }), 201);
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/feed", new { text = "Call the buyer", recipientIds = new[] { 2 }, orderId = id }), 201);

        Assert.Equal("Sale starts Monday", (await host.GetAsync($"/api/feed/{toAll["id"]}"))["text"]!.GetValue<string>());
        var forSam = await host.GetAsync("/api/feed?employeeId=2&limit=1");
        Assert.Equal((2, "Call the buyer", id), (forSam["total"]!.GetValue<int>(), forSam["items"]![0]!["text"]!.GetValue<string>(), forSam["items"]![0]!["orderId"]!.GetValue<long>()));
        Assert.Equal(["Sale starts Monday"], (await host.GetAsync("/api/feed?employeeId=1"))["items"]!.AsArray().Select(p => p!["text"]!.GetValue<string>()).ToList());

        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/feed", new { title = "Empty" }), 400, "'text'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/feed", new { text = "x", authorId = 99 }), 404, "Employee 99");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/feed", new { text = "x", recipientIds = new[] { 1, 77 } }), 404, "Employee 77");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/feed", new { text = "x", orderId = 999 }), 404, "Order 999");
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/feed", "{\"text\": \"x\", \"recipientIds\": [\"two\"]}"), 400, "$.recipientIds");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/feed/999"), 404, "Feed post 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/feed?limit=0"), 400, "'limit'");
        Assert.Equal(2, (await host.GetAsync("/api/feed"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Activities_are_scheduled_and_completed_on_an_order_and_bad_ones_are_refused()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var start = host.Clock.GetUtcNow().AddDays(1);
        var call = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/activities", new
        {
            kind = "Call",
            subject = "Confirm the address",
            responsibleId = 2,
            startAt = start,
            endAt = start.AddMinutes(15),
            reminderMinutes = 10,
            isImportant = true,
        }), 201);
        Assert.Equal(("Call", 2L, 10, true), (call["kind"]!.GetValue<string>(), call["responsibleId"]!.GetValue<long>(), call["reminderMinutes"]!.GetValue<int>(), call["isImportant"]!.GetValue<bool>()));
        Assert.Contains(await host.TimelineTextsAsync(id), t => t.StartsWith("Call 'Confirm the address' for employee 2", StringComparison.Ordinal));

        var done = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/activities/{call["id"]}/complete", new { reason = "buyer confirmed" }), 200);
        Assert.Equal(("buyer confirmed", host.Clock.GetUtcNow()), (done["completedReason"]!.GetValue<string>(), done["completedAt"]!.GetValue<DateTimeOffset>()));
        Assert.Empty(await host.GetArrayAsync($"/api/orders/{id}/activities"));
        Assert.True((await host.GetAsync($"/api/activities/{call["id"]}"))["isCompleted"]!.GetValue<bool>());

        var path = $"/api/orders/{id}/activities";
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(path, new { subject = "No kind" }), 400, "'kind'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(path, new { kind = "Wait", subject = "Mine" }), 400, "'kind'");
        await Expect.ProblemAsync(await PostRawAsync(host, path, "{\"kind\": \"Party\", \"subject\": \"x\"}"), 400, "$.kind");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(path, new { kind = "ToDo" }), 400, "'subject'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(path, new { kind = "Meeting", subject = "x", startAt = start, endAt = start.AddHours(-1) }), 400, "'end'");
        await Expect.ProblemAsync(await PostRawAsync(host, path, "{\"kind\": \"Call\", \"subject\": \"x\", \"startAt\": \"soon\"}"), 400, "$.startAt");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(path, new { kind = "ToDo", subject = "x", responsibleId = 99 }), 404, "Employee 99");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(path, new { kind = "ToDo", subject = "x", autoCompleteStatus = "lost" }), 400, "'autoCompleteStatus'", "'lost'", "new");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/orders/999/activities", new { kind = "ToDo", subject = "x" }), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/orders/999/activities"), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/activities/999/complete", new { }), 404, "Activity 999");
        Assert.Single(await host.GetArrayAsync($"{path}?includeCompleted=true"));
    }

    [Fact]
    public async Task Tasks_are_created_listed_and_completed_and_bad_ones_are_refused()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var deadline = host.Clock.GetUtcNow().AddDays(3);
        var task = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/tasks", new
        {
            title = "Order more teapots",
            responsibleId = 2,
            createdById = 1,
            auditors = new[] { 1 },
            deadline,
            priority = "Low",
            checklist = new[] { "ask supplier", " " },
        }), 201);
        var taskId = task["id"]!.GetValue<long>();
        Assert.Equal(("Low", deadline, 1), (task["priority"]!.GetValue<string>(), task["deadline"]!.GetValue<DateTimeOffset>(), task["checklist"]!.AsArray().Count));
        Assert.Equal(taskId, (await host.GetAsync("/api/tasks?employeeId=2&openOnly=true"))["items"]![0]!["id"]!.GetValue<long>());
        Assert.Equal(0, (await host.GetAsync($"/api/tasks?orderId={id}"))["total"]!.GetValue<int>());
        Assert.Equal(taskId, (await host.GetAsync("/api/tasks?auditorId=1&openOnly=true"))["items"]![0]!["id"]!.GetValue<long>());
        Assert.Equal(0, (await host.GetAsync("/api/tasks?auditorId=2"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await host.GetAsync("/api/tasks?responsibleId=1"))["total"]!.GetValue<int>());
        Assert.Equal(1, (await host.GetAsync("/api/tasks?employeeId=1"))["total"]!.GetValue<int>());
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/tasks?auditorId=Mia"), 400, "auditorId");

        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/tasks", new { responsibleId = 2 }), 400, "'title'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/tasks", new { title = "x" }), 400, "'responsibleId'");
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/tasks", "{\"title\": \"x\", \"responsibleId\": 2, \"priority\": \"Urgent\"}"), 400, "$.priority");
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/tasks", "{\"title\": \"x\", \"responsibleId\": 2, \"deadline\": \"tomorrow\"}"), 400, "$.deadline");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/tasks", new { title = "x", responsibleId = 2, auditors = new[] { 77 } }), 404, "Employee 77");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/tasks", new { title = "x", responsibleId = 2, orderId = 999 }), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/tasks/999"), 404, "Task 999");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/tasks/999/complete", new { }), 404, "Task 999");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { closedById = 99 }), 404, "Employee 99");
        Assert.Equal(1, (await host.GetAsync("/api/tasks?openOnly=true"))["total"]!.GetValue<int>());

        var completed = await Expect.JsonAsync(await host.Client.PostAsync($"/api/tasks/{taskId}/complete", null), 200);
        Assert.True(completed["task"]!["isCompleted"]!.GetValue<bool>());
        Assert.Equal(0, (await host.GetAsync("/api/tasks?openOnly=true"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_items_keep_typed_values_are_edited_and_deleted_and_values_of_the_wrong_type_are_refused()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        var list = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/lists", new
        {
            name = "Returns",
            fields = new object[]
            {
                new { code = "order", required = true }, new { code = "cost", type = "Number" }, new { code = "due", type = "Date" },
                new { code = "refunded", type = "Boolean" }, new { code = "handlers", type = "Employee", multiple = true },
            },
        }), 201);
        var items = $"/api/lists/{list["id"]}/items";
        Assert.Equal("order", (await host.GetAsync($"/api/lists/{list["id"]}"))["fields"]![0]!["name"]!.GetValue<string>());
        var item = await Expect.JsonAsync(await host.Client.PostAsJsonAsync(items, new
        {
            values = new Dictionary<string, object?> { ["order"] = "1001", ["cost"] = 12.5, ["due"] = "2026-12-01", ["refunded"] = false, ["handlers"] = new[] { 1, 2 } },
        }), 201);
        var itemPath = $"{items}/{item["id"]}";
        var values = (await host.GetAsync(itemPath))["values"]!;
        Assert.Equal((12.5m, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), false, "[1,2]"),
            (values["cost"]!.GetValue<decimal>(), values["due"]!.GetValue<DateTimeOffset>(), values["refunded"]!.GetValue<bool>(), values["handlers"]!.ToJsonString()));

        var edited = await Expect.JsonAsync(await host.Client.PatchAsJsonAsync(itemPath, new { values = new { refunded = "yes", cost = (decimal?)null } }), 200);
        Assert.Equal((true, "1001", false), (edited["values"]!["refunded"]!.GetValue<bool>(), edited["values"]!["order"]!.GetValue<string>(), edited["values"]!.AsObject().ContainsKey("cost") && edited["values"]!["cost"] is not null));

        var before = (await host.GetAsync(itemPath)).ToJsonString();
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { values = new { cost = 3 } }), 400, "'order'", "required");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { values = new { order = "1", cost = "cheap" } }), 400, "'cost'", "number");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { values = new { order = "1", colour = "red" } }), 400, "'colour'", "not a field");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { values = new { order = "1", handlers = new[] { 99 } } }), 400, "'handlers'", "employee 99");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { values = new { order = new[] { "1", "2" } } }), 400, "'order'", "one value");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { values = new { order = new { nested = 1 } } }), 400, "'values.order'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync(items, new { }), 400, "'values'");
        await Expect.ProblemAsync(await host.Client.PatchAsJsonAsync(itemPath, new { values = new { order = "" } }), 400, "'order'", "cannot be cleared");
        await Expect.ProblemAsync(await host.Client.PatchAsJsonAsync(itemPath, new { values = new { due = "someday" } }), 400, "'due'", "date");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/lists/999/items"), 404, "List 999");
        await Expect.ProblemAsync(await host.Client.GetAsync($"{items}/999"), 404, "no item 999");
        Assert.Equal(before, (await host.GetAsync(itemPath)).ToJsonString());
        Assert.Equal(1, (await host.GetAsync(items))["total"]!.GetValue<int>());

        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/lists", new { fields = new[] { new { code = "a" } } }), 400, "'name'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/lists", new { name = "Empty" }), 400, "'fields'");
        await Expect.ProblemAsync(await PostRawAsync(host, "/api/lists", "{\"name\": \"L\", \"fields\": [{\"code\": \"a\", \"type\": \"Colour\"}]}"), 400, "$.fields[0].type");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/lists", new { name = "L", fields = new[] { new { code = "a" }, new { code = "A" } } }), 400, "'fields[1].code'");
        Assert.Single(await host.GetArrayAsync("/api/lists"));

        Assert.Equal(204, (int)(await host.Client.DeleteAsync(itemPath)).StatusCode);
        await Expect.ProblemAsync(await host.Client.GetAsync(itemPath), 404, $"no item {item["id"]}");
        await Expect.ProblemAsync(await host.Client.DeleteAsync(itemPath), 404, $"no item {item["id"]}");
    }

    [Fact]
    public async Task Document_templates_and_client_details_are_managed_and_bad_input_is_refused()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });
        var order = await host.CreateOrderAsync();
        var template = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new { name = "Receipt", body = "<p>{{ Order.Number }}</p>" }), 201);
        Assert.Equal("{n}", (await host.GetAsync($"/api/document-templates/{template["id"]}"))["numberFormat"]!.GetValue<string>());
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new { name = "No body" }), 400, "'body'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new { body = "<p/>" }), 400, "'name'");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new { name = "x", body = "<p/>", numberFormat = "INV" }), 400, "'numberFormat'");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/document-templates/999"), 404, "template 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/orders/999/documents"), 404, "Order 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/documents/999"), 404, "Document 999");
        Assert.Single(await host.GetArrayAsync("/api/document-templates"));
        Assert.Empty(await host.GetArrayAsync($"/api/orders/{order["id"]}/documents"));

        var client = $"/api/clients/{order["client"]!["id"]}";
        Assert.Equal(("Ann Buyer", "ann@example.com"), ((await host.GetAsync(client))["name"]!.GetValue<string>(), (await host.GetAsync(client))["emails"]![0]!["value"]!.GetValue<string>()));
        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"{client}/details", new { values = new { taxId = "DE123", address = "Main St 1" } }), 200);
        var appended = await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"{client}/details", new { values = new { address = "Side St 2" }, append = true }), 200);
        Assert.Equal(("DE123", "[\"Main St 1\",\"Side St 2\"]"), (appended["details"]!["taxId"]!.GetValue<string>(), appended["details"]!["address"]!.GetValue<string>()));

        var before = (await host.GetAsync(client)).ToJsonString();
        await Expect.ProblemAsync(await host.Client.PatchAsJsonAsync($"{client}/details", new { append = true }), 400, "'values'");
        await Expect.ProblemAsync(await host.Client.PatchAsJsonAsync($"{client}/details", new { values = new { taxId = "DE999", name = " " } }), 400, "'name'");
        await Expect.ProblemAsync(await PatchRawAsync(host, $"{client}/details", "{\"values\": {\"taxId\": 42}}"), 400, "$.values.taxId");
        await Expect.ProblemAsync(await host.Client.PatchAsJsonAsync("/api/clients/999/details", new { values = new { taxId = "x" } }), 404, "Client 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/clients/999"), 404, "Client 999");
        await Expect.ProblemAsync(await host.Client.GetAsync("/api/employee-messages?status=lost"), 400, "'status'", "Pending");
        Assert.Equal(before, (await host.GetAsync(client)).ToJsonString());
    }

    private static Task<HttpResponseMessage> PostRawAsync(ServiceHost host, string path, string json) =>
        host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> PatchRawAsync(ServiceHost host, string path, string json) =>
        host.Client.PatchAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
