using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Shipments;
using Automation.Orders.Timeline;
using Automation.Rules.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Tests.Employees;

public sealed class OrderRuleTests
{
    private const string Log = "Automation.WriteToLog";

    private static Task<Order> OrderWithShipmentsAsync(RulesHarness h) =>
        h.Pipeline.CreateOrderAsync(new NewOrder
        {
            Client = new NewClient("Ann Buyer", "ann@example.com"),
            Status = "",
            Currency = "EUR",
            Amount = 50m,
            Shipments = [new NewShipment("courier"), new NewShipment("post")],
        });

    [Fact]
    public async Task Unpaid_order_is_deleted_and_its_rules_stop()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("delete", "Automation.DeleteOrder", null), ("log", Log, new { Text = "never" })], ["start->delete", "delete->log"]);

        var order = await h.CreateOrderAsync();

        await using var db = h.Store();
        Assert.False(await db.Orders.AnyAsync(o => o.Id == order.Id));
        Assert.DoesNotContain(await h.RanAsync(order.Id), id => id == "log");
    }

    [Fact]
    public async Task Paid_order_is_not_deleted_and_the_rule_records_why()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100,
            [("pay", "Automation.PayOrder", null), ("delete", "Automation.DeleteOrder", new { Title = "Clean up" }), ("log", Log, new { Text = "still here" })],
            ["start->pay", "pay->delete", "delete->log"]);

        var order = await h.CreateOrderAsync();

        Assert.True((await h.OrderAsync(order.Id)).IsPaid);
        Assert.Equal(["Order marked paid", $"Rule 'Clean up' did nothing: Order {order.Number} is paid and may not be deleted.", "still here"],
            await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task Edit_element_sets_fields_from_expressions_and_appends_to_multi_value_fields()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100,
            [
                ("set", "Automation.EditElement", new { Fields = new Dictionary<string, string> { ["source"] = "web", ["tags"] = "new" } }),
                ("add", "Automation.EditElement", new { Fields = new Dictionary<string, string> { ["tags"] = "from {{ Order.Fields.source }}" }, Append = true }),
            ],
            ["start->set", "set->add"]);

        var order = await h.CreateOrderAsync();

        var fields = (await h.OrderAsync(order.Id)).Fields;
        Assert.Equal(("web", """["new","from web"]"""), (fields["source"], fields["tags"]));
        Assert.Contains("Fields set: tags = from web", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task Edit_details_and_details_information_write_and_read_the_clients_details()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100,
            [
                ("edit", "Automation.EditDetails", new { Details = new Dictionary<string, string> { ["taxId"] = "NO-{{ Order.Number }}", ["name"] = "Ann Buyer AS" } }),
                ("details", "Automation.DetailsInformation", null),
                ("log", Log, new { Text = Flow.Liquid("{{ Activities.details.ClientName }} {{ Activities.details.taxId }} {{ Activities.details.Email }}") }),
            ],
            ["start->edit", "edit->details", "details->log"]);

        var order = await h.CreateOrderAsync();

        Assert.Contains($"Ann Buyer AS NO-{order.Number} ann@example.com", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task Employee_information_reads_the_responsible_and_their_head()
    {
        await using var h = await RulesHarness.StartAsync();
        var boss = await h.EmployeeAsync("Boss");
        var clerk = await h.EmployeeAsync("Clerk", boss.Id, phone: "+47 1");
        await h.PublishStatusAsync("new", 100,
            [
                ("who", "Automation.EmployeeInformation", null),
                ("log", Log, new { Text = Flow.Liquid("{{ Activities.who.EmployeeName }} {{ Activities.who.Phone }} reports to {{ Activities.who.ManagerName }}") }),
            ],
            ["start->who", "who->log"]);

        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        Assert.Contains("Clerk +47 1 reports to Boss", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task Edit_shipments_changes_only_the_chosen_delivery_service_and_set_status_changes_all()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100,
            [("edit", "Automation.EditShipments", new { DeliveryAllowed = "yes", Shipped = "yes", DeliveryService = "courier" })], ["start->edit"]);
        await h.PublishStatusAsync("packed", 200, [("status", "Automation.SetShipmentStatus", new { Status = "packed" })], ["start->status"]);
        var order = await OrderWithShipmentsAsync(h);

        await using (var db = h.Store())
        {
            var shipments = await db.Shipments.Where(s => s.OrderId == order.Id).OrderBy(s => s.Id).ToListAsync();
            Assert.Equal([("courier", true, true), ("post", false, false)], shipments.Select(s => (s.DeliveryService, s.Approved, s.Shipped)));
        }
        await h.Pipeline.MoveAsync(order.Id, "packed", Automation.Rules.Pipeline.StatusCause.Person("manager"));

        await using var check = h.Store();
        Assert.Equal(["packed", "packed"], await check.Shipments.Where(s => s.OrderId == order.Id).OrderBy(s => s.Id).Select(s => s.Status).ToListAsync());
    }

    [Fact]
    public async Task Allow_delivery_approves_every_shipment()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("allow", "Automation.AllowDelivery", null)], ["start->allow"]);

        var order = await OrderWithShipmentsAsync(h);

        Assert.True((await h.OrderAsync(order.Id)).DeliveryAllowed);
        await using var db = h.Store();
        Assert.All(await db.Shipments.Where(s => s.OrderId == order.Id).ToListAsync(), s => Assert.True(s.Approved));
    }

    [Fact]
    public async Task Edit_shipments_that_changes_nothing_fails_with_a_clear_message()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("edit", "Automation.EditShipments", null)], ["start->edit"]);

        var order = await OrderWithShipmentsAsync(h);

        Assert.Contains(await h.TimelineTextsAsync(order.Id, TimelineKind.Error), t => t.Contains("leave everything unchanged; set at least one"));
    }
}
