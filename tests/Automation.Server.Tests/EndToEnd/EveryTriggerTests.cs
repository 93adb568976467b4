using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;

namespace Automation.Server.Tests.EndToEnd;

/// Every trigger that no other end-to-end test drives, fired by its event's real route (the API, a shipment patch, a
/// rule run, a public document link) on one service with one status per trigger; then the pipeline's choices that
/// are the same for every trigger (DESIGN.md §4): a failing condition, moving backwards, and the earliest status winning.
public sealed class EveryTriggerTests(EveryTriggerTests.Service service) : IClassFixture<EveryTriggerTests.Service>
{
    /// A case: the status its trigger stands in, the trigger and its settings, and how its event is fired for an order.
    public sealed record Case(string Status, string Trigger, object? Settings, Func<ServiceHost, Customer, Task> Fire);

    /// The order a case fires its event for, with a client of its own so that client-addressed events reach only it.
    public sealed record Customer(long OrderId, long ShipmentId, string VisitorId);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // No API sets the responsible: the "Change responsible person" rule of the status the order is moved into does.
        ["Responsible person change"] = new("reassigned", "Automation.ResponsibleChangedTrigger", null,
            (host, c) => MoveAsync(host, c.OrderId, "assigning")),
        ["Missed call"] = new("missed", "Automation.MissedCallTrigger", new { line = "sales" },
            (host, c) => EventAsync(host, new { type = "call.missed", orderId = c.OrderId, data = new { line = "Sales" } })),
        ["Shipment approved"] = new("approved", "Automation.ShipmentApprovedTrigger", null,
            (host, c) => PatchShipmentAsync(host, c, new { approved = true })),
        ["Shipment (shipped)"] = new("sent", "Automation.ShipmentShippedTrigger", null,
            (host, c) => PatchShipmentAsync(host, c, new { shipped = true })),
        ["Visit"] = new("visiting", "Automation.VisitTrigger", null,
            (host, c) => EventAsync(host, new { type = "visit", client = new { visitorId = c.VisitorId } })),
        ["Visitor return"] = new("returned", "Automation.VisitorReturnTrigger", null,
            (host, c) => EventAsync(host, new { type = "visit.return", client = new { visitorId = c.VisitorId } })),
        ["Initial chat message"] = new("chatting", "Automation.ChatFirstMessageTrigger", new { channel = "site" },
            (host, c) => EventAsync(host, new { type = "chat.first-message", orderId = c.OrderId, data = new { channel = "site", text = "Hello" } })),
        ["Each chat message"] = new("asked", "Automation.ChatMessageTrigger", new { channel = "", textContains = "REFUND" },
            (host, c) => EventAsync(host, new { type = "chat.message", orderId = c.OrderId, data = new { channel = "site", text = "I want a refund please" } })),
        // The "Create CRM document" rule of the status the order is moved into raises document.created.
        ["Document created"] = new("documented", "Automation.DocumentCreatedTrigger", new { templateId = "1" },
            (host, c) => MoveAsync(host, c.OrderId, "documenting")),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task The_trigger_s_event_arriving_by_its_route_moves_the_order_into_the_trigger_s_status(string name)
    {
        var @case = Cases[name];
        var customer = await service.NewCustomerAsync();

        await @case.Fire(service.Host, customer);

        // Events raised by a rule are processed by the inbox pump after the request returns.
        await Eventually.TrueAsync(async () => await StatusAsync(service.Host, customer.OrderId) == @case.Status,
            $"order {customer.OrderId} did not move to '{@case.Status}'", seconds: 10);
        var timeline = await service.Host.TimelineTextsAsync(customer.OrderId);
        Assert.Contains(timeline, t => t.StartsWith("Status changed from '", StringComparison.Ordinal)
            && t.EndsWith($"' to '{@case.Status}' (trigger {@case.Trigger})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trigger_whose_condition_on_the_order_fails_does_not_move_it_and_the_outcome_says_why()
    {
        var condition = new { items = new[] { new { field = "amount", @operator = ">", value = "100" } } };
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["big"] = new StatusFlow("big", 200).Add("visit", "Automation.VisitorReturnTrigger", new { condition }),
        });
        var small = await OrderAsync(host, "small", amount: 40);
        var large = await OrderAsync(host, "large", amount: 400);

        var refused = await EventAsync(host, new { type = "visit.return", orderId = small });
        var accepted = await EventAsync(host, new { type = "visit.return", orderId = large });

        Assert.False(refused["result"]!["moved"]!.GetValue<bool>());
        Assert.Contains("big: condition not met", refused["outcome"]!.GetValue<string>());
        Assert.Contains("amount", refused["outcome"]!.GetValue<string>());
        Assert.Equal("new", await StatusAsync(host, small));
        Assert.True(accepted["result"]!["moved"]!.GetValue<bool>());
        Assert.Equal("big", await StatusAsync(host, large));
    }

    [Fact]
    public async Task A_trigger_moves_an_order_back_only_when_it_allows_switching_to_a_previous_status()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["sales"] = new StatusFlow("sales", 200).Add("missed", "Automation.MissedCallTrigger", new { line = "sales" }),
            ["support"] = new StatusFlow("support", 300).Add("missed", "Automation.MissedCallTrigger", new { line = "support", allowBackwards = true }),
            ["packed"] = new StatusFlow("packed", 400),
        });
        var id = await OrderAsync(host, "back", amount: 40);
        await MoveAsync(host, id, "packed");

        var forbidden = await EventAsync(host, new { type = "call.missed", orderId = id, data = new { line = "sales" } });
        Assert.False(forbidden["result"]!["moved"]!.GetValue<bool>());
        Assert.Contains("sales: the status is before the order's current status and the trigger may not move backwards", forbidden["outcome"]!.GetValue<string>());
        Assert.Equal("packed", await StatusAsync(host, id));

        var allowed = await EventAsync(host, new { type = "call.missed", orderId = id, data = new { line = "support" } });
        Assert.True(allowed["result"]!["moved"]!.GetValue<bool>());
        Assert.Equal("support", await StatusAsync(host, id));
        Assert.Contains("Status changed from 'packed' to 'support' (trigger Automation.MissedCallTrigger)", await host.TimelineTextsAsync(id));
    }

    [Fact]
    public async Task Of_two_statuses_with_the_same_trigger_the_first_after_the_current_status_wins()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["first"] = new StatusFlow("first", 200).Add("chat", "Automation.ChatFirstMessageTrigger", new { channel = "" }),
            ["middle"] = new StatusFlow("middle", 300),
            ["second"] = new StatusFlow("second", 400).Add("chat", "Automation.ChatFirstMessageTrigger", new { channel = "" }),
        });
        var fresh = await OrderAsync(host, "fresh", amount: 40);
        var advanced = await OrderAsync(host, "advanced", amount: 40);
        await MoveAsync(host, advanced, "middle");

        var toFirst = await EventAsync(host, new { type = "chat.first-message", orderId = fresh, data = new { channel = "site" } });
        var toSecond = await EventAsync(host, new { type = "chat.first-message", orderId = advanced, data = new { channel = "site" } });

        // Both statuses' triggers match; the earlier one in pipeline order wins, among those after the current status.
        Assert.Equal("first", toFirst["result"]!["to"]!.GetValue<string>());
        Assert.Equal("first", await StatusAsync(host, fresh));
        Assert.Equal("second", toSecond["result"]!["to"]!.GetValue<string>());
        Assert.Equal("second", await StatusAsync(host, advanced));
        Assert.Single(await host.TimelineTextsAsync(fresh), t => t.StartsWith("Status changed", StringComparison.Ordinal));
    }

    /// One service for the positive cases: `new`, the two statuses whose rules raise events, and a status per trigger.
    public sealed class Service : IAsyncLifetime
    {
        private int _customers;

        public ServiceHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var workflows = new Dictionary<string, string>
            {
                ["new"] = new StatusFlow("new", 100),
                ["assigning"] = new StatusFlow("assigning", 110).Add("assign", "Automation.ChangeResponsible", new { candidates = new[] { 2 } }).Connect("start->assign"),
                ["documenting"] = new StatusFlow("documenting", 120).Add("document", "Automation.CreateDocument", new { template = 1 }).Connect("start->document"),
            };
            var sort = 200;
            foreach (var @case in Cases.Values)
                workflows[@case.Status] = new StatusFlow(@case.Status, sort += 10).Add("trigger", @case.Trigger, @case.Settings);
            Host = await ServiceHost.StartAsync(workflows);
            var template = await Expect.JsonAsync(await Host.Client.PostAsJsonAsync("/api/document-templates", new { name = "Invoice", body = "<p>Invoice</p>" }), 201);
            Assert.Equal(1, template["id"]!.GetValue<long>());
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();

        public async Task<Customer> NewCustomerAsync()
        {
            var n = Interlocked.Increment(ref _customers);
            var order = await Host.CreateOrderAsync(new
            {
                client = new { name = $"Buyer {n}", email = $"buyer{n}@example.com", visitorId = $"visitor-{n}" },
                items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
                currency = "EUR",
                responsibleId = 1,
                shipments = new[] { new { deliveryService = "DHL" } },
            });
            Assert.Equal("new", order["status"]!.GetValue<string>());
            return new Customer(order["id"]!.GetValue<long>(), order["shipments"]![0]!["id"]!.GetValue<long>(), $"visitor-{n}");
        }
    }

    private static async Task<long> OrderAsync(ServiceHost host, string name, decimal amount) => (await host.CreateOrderAsync(new
    {
        client = new { name, email = $"{name}@example.com" },
        items = new[] { new { name = "Teapot", quantity = 1, price = amount } },
        currency = "EUR",
    }))["id"]!.GetValue<long>();

    private static async Task<JsonObject> EventAsync(ServiceHost host, object body) =>
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events", body), 202);

    private static async Task MoveAsync(ServiceHost host, long id, string status) =>
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/status", new { status }), 200);

    private static async Task PatchShipmentAsync(ServiceHost host, Customer c, object patch) =>
        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"/api/orders/{c.OrderId}/shipments/{c.ShipmentId}", patch), 200);

    private static async Task<string> StatusAsync(ServiceHost host, long id) => (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>();
}
