using Automation.Orders.Clients;
using Automation.Orders.Documents;
using Automation.Orders.Employees;
using Automation.Orders.Events;
using Automation.Orders.Lists;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Shipments;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.EmployeeRules;

public sealed class RotationListAndDocumentTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Round_robin_goes_round_in_the_given_order_skipping_absent_employees(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var staff = new EmployeeDirectory(db);
        var a = await staff.CreateAsync(new NewEmployee("A", "a@shop.test"), CancellationToken.None);
        var b = await staff.CreateAsync(new NewEmployee("B", "b@shop.test"), CancellationToken.None);
        var c = await staff.CreateAsync(new NewEmployee("C", "c@shop.test"), CancellationToken.None);
        var picks = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            if (i == 3) await staff.UpdateAsync(a.Id, new EmployeePatch(IsAbsent: true), CancellationToken.None);
            await using var turn = store.Db();
            var (picked, _) = await new ResponsibleSelection(turn).PickAsync([c.Id, a.Id, b.Id], SelectionMode.RoundRobin, null, "rule-1", CancellationToken.None);
            picks.Add(picked!.Name);
        }

        Assert.Equal(["C", "A", "B", "C", "B"], picks);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task List_values_are_stored_typed_and_a_wrong_value_names_the_field(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var lists = new UserLists(db, store.Clock);
        var list = await lists.CreateListAsync(new NewUserList("Gift wrapping",
            [new ListField("paper", "Paper"), new ListField("cost", "Cost", ListFieldType.Number, Required: true), new ListField("tags", "Tags", Multiple: true)]),
            CancellationToken.None);

        var item = await lists.AddItemAsync(list.Id, new Dictionary<string, string?> { ["PAPER"] = "red", ["cost"] = "4.50", ["tags"] = """["a","b"]""" }, CancellationToken.None);
        var wrong = await Assert.ThrowsAsync<DomainException>(() => lists.UpdateItemAsync(list.Id, item.Id, new Dictionary<string, string?> { ["cost"] = "cheap" }, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => lists.AddItemAsync(list.Id, new Dictionary<string, string?> { ["colour"] = "x", ["cost"] = "1" }, CancellationToken.None));

        Assert.Contains("'cheap' is not one", wrong.Message);
        Assert.Contains("'colour' is not a field of list 'Gift wrapping'", unknown.Message);
        await using var check = store.Db();
        var saved = await new UserLists(check, store.Clock).GetItemAsync(list.Id, item.Id, CancellationToken.None);
        Assert.Equal(4.50m, ListValues.Read(list.Field("cost")!, saved.Values["cost"]));
        Assert.Equal(["a", "b"], (object?[])ListValues.Read(list.Field("tags")!, saved.Values["tags"])!);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Documents_are_numbered_by_their_template_and_raise_document_created(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var documents = new CrmDocuments(db, store.Clock);
        var template = await documents.CreateTemplateAsync(new NewDocumentTemplate("Invoice", "<p>{{x}}</p>", "INV-{year}-{n:0000}"), CancellationToken.None);

        var (first, _) = await documents.CreateAsync(new NewCrmDocument(order.Id, template.Id) { PublicLink = true },
            (body, number, _) => Task.FromResult(body.Replace("{{x}}", number)), CancellationToken.None);
        var (second, _) = await documents.CreateAsync(new NewCrmDocument(order.Id, template.Id), (body, _, _) => Task.FromResult(body), CancellationToken.None);

        Assert.Equal(("INV-2026-0001", "INV-2026-0002"), (first.Number, second.Number));
        Assert.Equal("<p>INV-2026-0001</p>", first.Html);
        Assert.Equal(first.Id, (await documents.FindByTokenAsync(first.PublicToken!, CancellationToken.None))?.Id);
        Assert.Null(second.PublicToken);
        Assert.Equal(2, await db.InboxEvents.CountAsync(e => e.Type == EventTypes.DocumentCreated));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Paid_order_is_not_deleted_and_an_unpaid_one_goes_with_its_records(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var paid = await store.NewOrderAsync();
        var unpaid = await store.NewOrderAsync(email: "bob@example.com", phone: "+47 400 00 002");
        await using var db = store.Db();
        var book = store.Orders(db);
        await book.MarkPaidAsync(paid.Id, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<DomainException>(() => book.DeleteAsync(paid.Id, CancellationToken.None));
        await book.DeleteAsync(unpaid.Id, CancellationToken.None);

        Assert.Equal("order_paid", refused.Code);
        await using var check = store.Db();
        Assert.Equal([paid.Id], await check.Orders.Select(o => o.Id).ToListAsync());
        Assert.False(await check.Shipments.AnyAsync(s => s.OrderId == unpaid.Id));
        Assert.False(await check.TimelineEntries.AnyAsync(e => e.OrderId == unpaid.Id));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Shipments_of_one_delivery_service_are_changed_and_the_others_left(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();

        var changed = await store.Orders(db).UpdateShipmentsAsync(order.Id, new ShipmentPatch(Status: "packed", Approved: true), "COURIER", CancellationToken.None);

        Assert.Equal(["courier"], changed.Select(s => s.DeliveryService));
        await using var check = store.Db();
        var saved = await store.Orders(check).GetAsync(order.Id, CancellationToken.None);
        Assert.Equal([("courier", "packed", true), ("post", "new", false)], saved.Shipments.Select(s => (s.DeliveryService, s.Status, s.Approved)));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Client_details_are_overwritten_or_appended(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var clients = new ClientDirectory(db, store.Clock);

        await clients.UpdateDetailsAsync(order.ClientId, new Dictionary<string, string?> { ["taxId"] = "NO123", ["address"] = "Oslo" }, FieldWriteMode.Overwrite, CancellationToken.None);
        await clients.UpdateDetailsAsync(order.ClientId, new Dictionary<string, string?> { ["address"] = "Bergen", ["name"] = "Ann AS" }, FieldWriteMode.Append, CancellationToken.None);

        await using var check = store.Db();
        var client = await new ClientDirectory(check, store.Clock).GetAsync(order.ClientId, CancellationToken.None);
        Assert.Equal(("Ann AS", "NO123", """["Oslo","Bergen"]"""), (client.Name, client.Details["taxId"], client.Details["address"]));
    }
}
