using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Orders.Persistence;
using Automation.Server.Tests.Support;
using Automation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Automation.Server.Tests.EndToEnd;

/// A change (payment, cancellation, shipment update) answers with the order as its unit of work left it once the
/// events it raised were processed, the rules of the new status included, without reading the order back: the answer
/// is exactly what a read right after returns, on SQLite and on PostgreSQL (which keeps microseconds, not ticks).
public sealed class ChangeAnswerTests
{
    [Fact]
    public async Task A_payment_answers_with_the_order_its_rules_left_and_reads_only_the_client_to_do_so()
    {
        // The inbox pump would wake when the clock moves and could take up the event the paid status's rules raise,
        // reading the order in the middle of the count.
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?> { ["Pipeline:PumpInterval"] = "01:00:00" });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        host.Clock.Advance(TimeSpan.FromTicks(1_234_567)); // times with digits below the microsecond

        JsonObject paid;
        List<string> commands;
        using (var watch = new CommandWatch())
        {
            paid = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
            commands = watch.Texts;
        }

        var order = paid["order"]!.AsObject();
        // The paid status's rules changed the order after the payment: the answer shows their work.
        Assert.Equal(("paid", true, true), (order["status"]!.GetValue<string>(), order["isPaid"]!.GetValue<bool>(), order["deliveryAllowed"]!.GetValue<bool>()));
        Assert.Equal(paid["payment"]!["id"]!.GetValue<long>(), Assert.Single(order["payments"]!.AsArray())!["id"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(await host.GetAsync($"/api/orders/{id}"), order), "the answer differs from the order read back");
        // The order was read once, by the unit of work that recorded the payment; the client once, by the paid status's
        // rules (their expressions read it), so the answer did not read it again. Counted are EF Core's commands and the
        // statements the store runs past it (StoreDiagnostics).
        Assert.Single(commands, IsOrderRead);
        Assert.Single(commands, IsClientRead);
        // The payment's change to the order (paid) and the changes of the move and the rules it caused are one UPDATE,
        // the payment's log line and the rules' timeline entries one INSERT, made when the unit commits.
        Assert.Single(commands, sql => sql.StartsWith("UPDATE \"orders\"", StringComparison.Ordinal));
        Assert.Single(commands, sql => sql.StartsWith("INSERT INTO \"timeline_entries\"", StringComparison.Ordinal));
        // The paid status's rules raise an event of their own and save it: the payment's event, not yet written, goes in
        // with it, in one statement.
        Assert.Single(commands, sql => sql.StartsWith("INSERT INTO \"inbox_events\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payment_whose_rules_only_add_to_the_timeline_writes_each_row_once_and_its_event_already_processed()
    {
        var workflows = new Dictionary<string, string>
        {
            ["new"] = new StatusFlow("new", 100),
            ["paid"] = new StatusFlow("paid", 200)
                .Add("payment", "Automation.PaymentTrigger")
                .Add("comment", "Automation.AddComment", new { text = "Payment received for {{ Order.Number }}" })
                .Add("log", "Automation.WriteToLog", new { text = "Preparing {{ Order.Number }}" })
                .Connect("start->comment", "start->log"),
        };
        await using var host = await ServiceHost.StartAsync(workflows, new Dictionary<string, string?> { ["Pipeline:PumpInterval"] = "01:00:00" });
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        JsonObject paid;
        List<string> writes;
        using (var watch = new CommandWatch())
        {
            paid = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
            writes = watch.Texts.Where(sql => sql.StartsWith("INSERT INTO \"", StringComparison.Ordinal) || sql.StartsWith("UPDATE \"", StringComparison.Ordinal))
                .Select(sql => string.Join(' ', sql.Split(' ').Take(3))).ToList();
        }

        // The store's rows: the payment first (the event names its id); the event, the order (paid, moved) and the
        // timeline (the payment's line, the status change, the comment, the log line) once each, when the unit commits.
        Assert.Equal(["INSERT INTO \"payments\"", "INSERT INTO \"inbox_events\"", "UPDATE \"orders\" SET", "INSERT INTO \"timeline_entries\""], writes);
        Assert.Equal("paid", paid["order"]!["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(await host.GetAsync($"/api/orders/{id}"), paid["order"]), "the answer differs from the order read back");
        var outcome = Assert.Single(paid["events"]!.AsArray())!;
        var stored = await host.GetAsync($"/api/events/{outcome["eventId"]!.GetValue<long>()}");
        Assert.Equal(("payment.received", id, paid["payment"]!["id"]!.GetValue<long>()),
            (stored["type"]!.GetValue<string>(), stored["orderId"]!.GetValue<long>(), stored["data"]!["paymentId"]!.GetValue<long>()));
        Assert.StartsWith("moved from 'new' to 'paid'", stored["outcome"]!.GetValue<string>());
        Assert.NotNull(stored["processedAt"]?.GetValue<string>());
        var timeline = (await host.GetAsync($"/api/orders/{id}/timeline"))["items"]!.AsArray().Select(e => e!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(["Order 1001 created in status 'new'", "Payment of 40.00 EUR received",
            "Status changed from 'new' to 'paid' (trigger Automation.PaymentTrigger)", "Payment received for 1001", "Preparing 1001"], timeline);
    }

    [Fact]
    public async Task On_PostgreSQL_the_answers_of_a_payment_a_shipment_update_and_a_cancellation_are_the_orders_as_stored()
    {
        using var database = await TestDatabases.PostgresAsync();
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Automation"] = database.ConnectionString,
        });
        var created = await host.CreateOrderAsync(new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
            shipments = new[] { new { deliveryService = "DHL" } },
        });
        var id = created["id"]!.GetValue<long>();
        var shipmentId = created["shipments"]![0]!["id"]!.GetValue<long>();

        host.Clock.Advance(TimeSpan.FromTicks(1_234_567));
        var paid = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/payments", new { amount = 40 }), 201);
        Assert.Equal("paid", paid["order"]!["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(await host.GetAsync($"/api/orders/{id}"), paid["order"]), "the payment's answer differs from the order read back");
        var payments = (await host.GetAsync($"/api/orders/{id}"))["payments"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(payments[0], paid["payment"]), "the payment differs from the one read back");

        host.Clock.Advance(TimeSpan.FromTicks(7_654_321));
        var updated = await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"/api/orders/{id}/shipments/{shipmentId}", new { trackingNumber = "TRK-1" }), 200);
        var read = await host.GetAsync($"/api/orders/{id}");
        Assert.True(JsonNode.DeepEquals(read, updated["order"]), "the shipment update's answer differs from the order read back");
        Assert.True(JsonNode.DeepEquals(read["shipments"]![0], updated["result"]), "the shipment differs from the one read back");

        host.Clock.Advance(TimeSpan.FromTicks(3_333_333));
        var canceled = await Expect.JsonAsync(await host.Client.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "changed mind" }), 200);
        Assert.Equal("canceled", canceled["order"]!["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(await host.GetAsync($"/api/orders/{id}"), canceled["order"]), "the cancellation's answer differs from the order read back");
    }

    private static bool IsOrderRead(string sql) => sql.StartsWith("SELECT", StringComparison.Ordinal) && sql.Contains("FROM \"orders\"", StringComparison.Ordinal);

    private static bool IsClientRead(string sql) => sql.StartsWith("SELECT", StringComparison.Ordinal) && sql.Contains("FROM \"clients\"", StringComparison.Ordinal);

    /// The text of every command the store runs in this process while it is open, through EF Core or past it (the
    /// tests of this assembly run one at a time).
    private sealed class CommandWatch : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];
        private readonly List<string> _texts = [];

        public CommandWatch() => _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

        public List<string> Texts
        {
            get { lock (_texts) return [.. _texts]; }
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name is DbLoggerCategory.Name or StoreDiagnostics.ListenerName) lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData executed)
                lock (_texts) _texts.Add(executed.Command.CommandText.TrimStart());
            else if (value.Key == StoreDiagnostics.StatementExecuted && value.Value is string sql)
                lock (_texts) _texts.Add(sql);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (_subscriptions) foreach (var subscription in _subscriptions) subscription.Dispose();
        }
    }
}
