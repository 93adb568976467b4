using Automation.Orders.Clients;
using Automation.Orders.Events;
using Automation.Orders.Orders;
using Automation.Rules.Pipeline;
using Automation.Rules.Tests.Support;

namespace Automation.Rules.Tests.Pipeline;

/// One published pipeline with a status per trigger setting; each case sends one event to a fresh order in "new" and
/// checks which status (if any) its trigger moves the order to. Statuses are in this order, so the first match wins.
public sealed class TriggerPipeline : IAsyncLifetime
{
    private static readonly object BigOrders = new { items = new object[] { new { field = "amount", @operator = ">", value = "500" } } };
    private static readonly object Delivered = new { items = new object[] { new { field = "status", @operator = "=", value = "delivered" } } };

    private static readonly (string Status, string Type, object? Inputs)[] Statuses =
    [
        ("responsible", "ResponsibleChangedTrigger", null),
        ("big-call", "IncomingCallTrigger", new { Condition = BigOrders }),
        ("line-100", "IncomingCallTrigger", new { Line = "100" }),
        ("any-call", "IncomingCallTrigger", new { Line = "" }),
        ("missed-200", "MissedCallTrigger", new { Line = "200" }),
        ("contact-form", "FormSubmittedTrigger", new { FormId = "contact" }),
        ("callback", "CallbackTrigger", new { FormId = "" }),
        ("approved", "ShipmentApprovedTrigger", null),
        ("dhl-tracking", "TrackingNumberAddedTrigger", new { DeliveryService = "DHL" }),
        ("shipped", "ShipmentShippedTrigger", null),
        ("delivered", "ShipmentUpdatedTrigger", new { ShipmentCondition = Delivered }),
        ("visit", "VisitTrigger", null),
        ("returned", "VisitorReturnTrigger", null),
        ("web-chat", "ChatFirstMessageTrigger", new { Channel = "web" }),
        ("refund-chat", "ChatMessageTrigger", new { TextContains = "refund" }),
        ("invoice", "DocumentCreatedTrigger", new { TemplateId = "7" }),
        ("doc-opened", "DocumentOpenedTrigger", new { TemplateId = "" }),
        ("lost", "MissedCallTrigger", new { Line = "" }),
    ];

    public RulesHarness H { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        H = await RulesHarness.StartAsync();
        await H.PublishStatusAsync("new", 100, [], []);
        var sort = 200;
        foreach (var (status, type, inputs) in Statuses)
            await H.PublishStatusAsync(status, sort += 10, [("trigger", "Automation." + type, inputs)], [], status == "lost" ? "failure" : "process");
    }

    public async Task DisposeAsync() => await H.DisposeAsync();

    /// Stores the event for a new order of the given amount and processes it.
    public async Task<(EventOutcome Outcome, string Status)> SendAsync(string type, string data, decimal amount = 100m)
    {
        var order = await H.CreateOrderAsync(amount);
        InboxAcceptance stored;
        await using (var db = H.Store())
            stored = await new EventInbox(db, H.Clock).AcceptAsync(new InboxEvent { Type = type, OrderId = order.Id, Data = data }, CancellationToken.None);
        var outcome = await H.Events.ProcessAsync(stored.Event.Id);
        return (outcome, (await H.OrderAsync(order.Id)).Status);
    }
}

public sealed class TriggerTests(TriggerPipeline pipeline) : IClassFixture<TriggerPipeline>
{
    [Theory]
    [InlineData("responsible.changed", "{\"from\":1,\"to\":2}", "responsible")]
    [InlineData("call.incoming", "{\"line\":\"100\"}", "line-100")]
    [InlineData("call.incoming", "{\"line\":\"300\"}", "any-call")]
    [InlineData("call.incoming", "{}", "any-call")]
    [InlineData("call.missed", "{\"line\":\"200\"}", "missed-200")]
    [InlineData("form.submitted", "{\"formId\":\"contact\"}", "contact-form")]
    [InlineData("form.submitted", "{\"formId\":\"CONTACT\"}", "contact-form")]
    [InlineData("callback.requested", "{\"formId\":\"any-callback-form\"}", "callback")]
    [InlineData("shipment.approved", "{\"shipmentIds\":[1]}", "approved")]
    [InlineData("shipment.tracking-number-added", "{\"deliveryService\":\"dhl\",\"trackingNumber\":\"JD1\"}", "dhl-tracking")]
    [InlineData("shipment.shipped", "{\"shipmentIds\":[1]}", "shipped")]
    [InlineData("shipment.updated", "{\"shipment\":{\"status\":\"delivered\",\"shipped\":true}}", "delivered")]
    [InlineData("visit", "{\"visitorId\":\"v1\"}", "visit")]
    [InlineData("visit.return", "{\"visitorId\":\"v1\"}", "returned")]
    [InlineData("chat.first-message", "{\"channel\":\"web\",\"text\":\"hi\"}", "web-chat")]
    [InlineData("chat.message", "{\"channel\":\"telegram\",\"text\":\"I want a REFUND please\"}", "refund-chat")]
    [InlineData("document.created", "{\"documentId\":3,\"templateId\":7}", "invoice")]
    [InlineData("document.opened", "{\"documentId\":3,\"templateId\":9}", "doc-opened")]
    public async Task Event_matching_a_trigger_s_settings_moves_the_order_to_its_status(string type, string data, string expected)
    {
        var (outcome, status) = await pipeline.SendAsync(type, data);

        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal(expected, status);
        Assert.Contains($"of status '{expected}'", outcome.Reason);
    }

    [Theory]
    [InlineData("call.missed", "{\"line\":\"300\"}", "lost")]
    [InlineData("form.submitted", "{\"formId\":\"newsletter\"}", null)]
    [InlineData("shipment.tracking-number-added", "{\"deliveryService\":\"UPS\",\"trackingNumber\":\"1Z\"}", null)]
    [InlineData("shipment.updated", "{\"shipment\":{\"status\":\"in-transit\"}}", null)]
    [InlineData("chat.first-message", "{\"channel\":\"telegram\",\"text\":\"hi\"}", null)]
    [InlineData("chat.message", "{\"channel\":\"web\",\"text\":\"where is my parcel?\"}", null)]
    [InlineData("document.created", "{\"documentId\":3,\"templateId\":8}", null)]
    public async Task Event_not_matching_a_trigger_s_settings_leaves_it_to_later_statuses_or_the_order_where_it_is(string type, string data, string? expected)
    {
        var (outcome, status) = await pipeline.SendAsync(type, data);

        Assert.Equal(expected ?? "new", status);
        if (expected is null)
        {
            Assert.False(outcome.Moved);
            Assert.Contains("the event does not match the trigger's settings", outcome.Reason);
        }
    }

    [Fact]
    public async Task Trigger_whose_order_condition_holds_wins_over_later_statuses()
    {
        var (outcome, status) = await pipeline.SendAsync("call.incoming", "{\"line\":\"100\"}", amount: 900m);

        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal("big-call", status);
    }

    [Fact]
    public async Task Trigger_whose_order_condition_fails_is_passed_over_for_the_next_matching_status()
    {
        var (outcome, status) = await pipeline.SendAsync("call.incoming", "{\"line\":\"100\"}", amount: 120m);

        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal("line-100", status);
    }

    [Fact]
    public async Task Trigger_does_not_move_an_order_back_from_a_later_status()
    {
        var order = await pipeline.H.CreateOrderAsync();
        await pipeline.H.Pipeline.MoveAsync(order.Id, "shipped", StatusCause.Person("test"));
        InboxAcceptance stored;
        await using (var db = pipeline.H.Store())
            stored = await new EventInbox(db, pipeline.H.Clock).AcceptAsync(
                new InboxEvent { Type = EventTypes.ShipmentApproved, OrderId = order.Id, Data = "{}" }, CancellationToken.None);

        var outcome = await pipeline.H.Events.ProcessAsync(stored.Event.Id);

        Assert.False(outcome.Moved);
        Assert.Contains("may not move backwards", outcome.Reason);
        Assert.Equal("shipped", (await pipeline.H.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Event_naming_only_the_client_moves_each_of_its_open_orders_once()
    {
        var h = pipeline.H;
        var first = await h.CreateOrderAsync();
        var second = await h.CreateOrderAsync();
        var closed = await h.CreateOrderAsync();
        await h.Pipeline.MoveAsync(closed.Id, "lost", StatusCause.Person("test"));
        long clientId;
        await using (var db = h.Store())
        {
            var client = await new ClientDirectory(db, h.Clock).CreateAsync(new NewClient("Bob Caller", Phone: "+49 30 555 0101"), CancellationToken.None);
            clientId = client.Id;
            foreach (var id in new[] { first.Id, second.Id, closed.Id })
                (await db.Orders.FindAsync(id))!.ClientId = client.Id;
            await db.SaveChangesAsync();
        }
        InboxAcceptance stored;
        await using (var db = h.Store())
            stored = await new EventInbox(db, h.Clock).AcceptAsync(new InboxEvent
            {
                Type = EventTypes.CallIncoming,
                ClientRef = "{\"phone\":\"+4930 5550101\"}",
                Data = "{\"line\":\"100\"}",
            }, CancellationToken.None);

        var outcome = await h.Events.ProcessAsync(stored.Event.Id);

        Assert.True(outcome.Moved, outcome.Reason);
        Assert.Equal([first.Id, second.Id], outcome.Orders.Select(o => o.OrderId!.Value));
        Assert.All(outcome.Orders, o => Assert.Equal("line-100", o.To));
        Assert.Equal("line-100", (await h.OrderAsync(first.Id)).Status);
        Assert.Equal("line-100", (await h.OrderAsync(second.Id)).Status);
        Assert.Equal("lost", (await h.OrderAsync(closed.Id)).Status);
        var stored2 = await StoredOutcomeAsync(stored.Event.Id);
        Assert.StartsWith($"client {clientId}: order {first.Id} moved", stored2);
    }

    [Fact]
    public async Task Event_naming_an_unknown_client_is_stored_as_processed_with_no_client_matched()
    {
        InboxAcceptance stored;
        await using (var db = pipeline.H.Store())
            stored = await new EventInbox(db, pipeline.H.Clock).AcceptAsync(new InboxEvent
            {
                Type = EventTypes.Visit,
                ClientRef = "{\"visitorId\":\"nobody-knows-me\"}",
            }, CancellationToken.None);

        var outcome = await pipeline.H.Events.ProcessAsync(stored.Event.Id);

        Assert.False(outcome.Moved);
        Assert.Contains("no client matches", await StoredOutcomeAsync(stored.Event.Id));
    }

    private async Task<string> StoredOutcomeAsync(long eventId)
    {
        await using var db = pipeline.H.Store();
        return (await db.InboxEvents.FindAsync(eventId))!.Outcome ?? "";
    }
}
