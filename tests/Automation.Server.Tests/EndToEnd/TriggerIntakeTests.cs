using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Automation.Orders.Documents;
using Automation.Server.Api;
using Automation.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.EndToEnd;

/// Events from outside reaching orders through their real routes: client-only events, the public form, shipment
/// changes, and what bad input gets back.
public sealed class TriggerIntakeTests
{
    private static Dictionary<string, string> Pipeline() => new()
    {
        ["new"] = new StatusFlow("new", 100),
        ["called"] = new StatusFlow("called", 200).Add("call", "Automation.IncomingCallTrigger", new { line = "" }),
        ["form"] = new StatusFlow("form", 300).Add("form", "Automation.FormSubmittedTrigger", new { formId = "contact" }),
        ["callback"] = new StatusFlow("callback", 400).Add("callback", "Automation.CallbackTrigger", new { formId = "" }),
        ["tracked"] = new StatusFlow("tracked", 500).Add("tracking", "Automation.TrackingNumberAddedTrigger", new { deliveryService = "DHL" }),
        ["delivered"] = new StatusFlow("delivered", 600).Add("updated", "Automation.ShipmentUpdatedTrigger",
            new { shipmentCondition = new { items = new object[] { new { field = "status", @operator = "=", value = "delivered" } } } }),
    };

    private static async Task<string> StatusAsync(ServiceHost host, long id) => (await host.GetAsync($"/api/orders/{id}"))["status"]!.GetValue<string>();

    private static Task<int> InboxCountAsync(ServiceHost host) =>
        host.Services.GetRequiredService<StoreAccess>().ReadAsync(db => db.InboxEvents.CountAsync(), CancellationToken.None);

    [Fact]
    public async Task Event_naming_only_the_client_phone_moves_each_of_the_client_s_open_orders()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var first = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var second = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var reply = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events",
            new { type = "call.incoming", client = new { phone = "+1 (555) 0100" }, data = new { line = "main" } }), 202);

        Assert.True(reply["result"]!["moved"]!.GetValue<bool>());
        Assert.Equal([first, second], reply["result"]!["orders"]!.AsArray().Select(o => o!["orderId"]!.GetValue<long>()));
        Assert.Equal("called", await StatusAsync(host, first));
        Assert.Equal("called", await StatusAsync(host, second));
        Assert.Contains($"order {second} moved from 'new' to 'called'", reply["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Event_naming_an_unknown_client_is_stored_and_says_no_client_matched()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var reply = await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/events",
            new { type = "visit", client = new { visitorId = "stranger" } }), 202);

        Assert.False(reply["result"]!["moved"]!.GetValue<bool>());
        Assert.Contains("no client matches", reply["outcome"]!.GetValue<string>());
        Assert.Equal("new", await StatusAsync(host, id));
    }

    [Fact]
    public async Task Public_form_serves_html_and_a_browser_post_moves_the_client_s_order()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var browser = host.CreatePublicClient();

        var page = await browser.GetAsync("/forms/contact");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("action=\"/forms/contact\"", await page.Content.ReadAsStringAsync());
        var posted = await browser.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "Ann Buyer",
            ["email"] = "ANN@example.com",
            ["message"] = "Is the teapot blue?",
        }));

        Assert.Equal(200, (int)posted.StatusCode);
        Assert.Contains("Thank you", await posted.Content.ReadAsStringAsync());
        Assert.Equal("form", await StatusAsync(host, id));
    }

    [Fact]
    public async Task Callback_form_posted_as_json_raises_callback_requested_and_a_new_client_is_created()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var browser = host.CreatePublicClient();

        var known = await Expect.JsonAsync(await browser.PostAsJsonAsync("/forms/call-me", new { phone = "+15550100", callback = true }), 202);
        var stranger = await Expect.JsonAsync(await browser.PostAsJsonAsync("/forms/call-me", new { name = "Zed", email = "zed@example.com", callback = true }), 202);

        Assert.Equal("callback.requested", known["type"]!.GetValue<string>());
        Assert.Equal("callback", await StatusAsync(host, id));
        Assert.Contains("has no open order", stranger["outcome"]!.GetValue<string>());
        var clientId = stranger["data"]!["clientId"]!.GetValue<long>();
        Assert.Equal("Zed", (await host.GetAsync($"/api/clients/{clientId}"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shipment_patches_move_the_order_by_tracking_number_and_shipment_condition()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var order = await host.CreateOrderAsync(new
        {
            client = new { name = "Ann Buyer", email = "ann@example.com" },
            items = new[] { new { name = "Teapot", quantity = 1, price = 40 } },
            currency = "EUR",
            shipments = new[] { new { deliveryService = "DHL" } },
        });
        var id = order["id"]!.GetValue<long>();
        var shipment = order["shipments"]![0]!["id"]!.GetValue<long>();

        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"/api/orders/{id}/shipments/{shipment}", new { trackingNumber = "JD0001" }), 200);
        Assert.Equal("tracked", await StatusAsync(host, id));
        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"/api/orders/{id}/shipments/{shipment}", new { status = "in-transit" }), 200);
        Assert.Equal("tracked", await StatusAsync(host, id));
        await Expect.JsonAsync(await host.Client.PatchAsJsonAsync($"/api/orders/{id}/shipments/{shipment}", new { status = "delivered" }), 200);
        Assert.Equal("delivered", await StatusAsync(host, id));
    }

    [Fact]
    public async Task Opening_a_document_s_public_link_moves_the_order_once_and_logs_the_first_open()
    {
        var workflows = Pipeline();
        workflows["opened"] = new StatusFlow("opened", 700).Add("opened", "Automation.DocumentOpenedTrigger", new { templateId = "" });
        await using var host = await ServiceHost.StartAsync(workflows);
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var document = await host.Services.GetRequiredService<StoreAccess>().WriteAsync(async db =>
        {
            var documents = new CrmDocuments(db, host.Clock);
            var template = await documents.CreateTemplateAsync(new NewDocumentTemplate("Invoice", "<p>Invoice</p>"), CancellationToken.None);
            return (await documents.CreateAsync(new NewCrmDocument(id, template.Id) { PublicLink = true }, (body, _, _) => Task.FromResult(body),
                CancellationToken.None)).Document;
        }, CancellationToken.None);
        var browser = host.CreatePublicClient();

        Assert.Equal("<p>Invoice</p>", await browser.GetStringAsync($"/public/documents/{document.PublicToken}"));
        Assert.Equal("<p>Invoice</p>", await browser.GetStringAsync($"/public/documents/{document.PublicToken}"));

        Assert.Equal("opened", await StatusAsync(host, id));
        Assert.Single(await host.TimelineTextsAsync(id), t => t == $"Document '{document.Title}' opened by the client");
    }

    [Fact]
    public async Task Bad_events_and_form_posts_get_a_problem_naming_the_field_and_store_nothing()
    {
        await using var host = await ServiceHost.StartAsync(Pipeline());
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var before = await InboxCountAsync(host);
        var browser = host.CreatePublicClient();

        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "Call Incoming!", orderId = id }), 400, "type");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "visit", client = new { } }), 400, "client");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "form.submitted", orderId = id, data = new { } }), 400, "data.formId");
        await Expect.ProblemAsync(await host.Client.PostAsJsonAsync("/api/events", new { type = "chat.message", orderId = id }), 400, "data.text");
        await Expect.ProblemAsync(await browser.PostAsJsonAsync("/forms/contact", new { name = "Nobody" }), 400, "email");
        await Expect.ProblemAsync(await browser.PostAsJsonAsync("/forms/contact", new { email = "not-an-address" }), 400, "email");
        await Expect.ProblemAsync(await browser.PostAsJsonAsync("/forms/no%20such%20form", new { email = "a@b.c" }), 400, "formId");

        Assert.Equal(before, await InboxCountAsync(host));
        Assert.Equal("new", await StatusAsync(host, id));
    }
}
