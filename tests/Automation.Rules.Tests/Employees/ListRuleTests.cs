using Automation.Orders.Lists;
using Automation.Orders.Timeline;
using Automation.Rules.Tests.Support;

namespace Automation.Rules.Tests.Employees;

public sealed class ListRuleTests
{
    private const string Log = "Automation.WriteToLog";

    private static async Task<UserList> GiftListAsync(RulesHarness h)
    {
        await using var db = h.Store();
        return await new UserLists(db, h.Clock).CreateListAsync(new NewUserList("Gift wrapping",
            [new ListField("order", "Order"), new ListField("cost", "Cost", ListFieldType.Number), new ListField("done", "Done", ListFieldType.Boolean)]),
            CancellationToken.None);
    }

    [Fact]
    public async Task Created_item_is_read_into_outputs_and_edited_by_later_rules()
    {
        await using var h = await RulesHarness.StartAsync();
        var list = await GiftListAsync(h);
        await h.PublishStatusAsync("new", 100,
            [
                ("create", "Automation.CreateListItem", new { List = list.Id, Values = new Dictionary<string, string> { ["order"] = "{{ Order.Number }}", ["cost"] = "4.5" } }),
                ("edit", "Automation.EditListItem", new { List = list.Id, ItemId = Flow.Liquid("{{ Activities.create.ItemId }}"), Values = new Dictionary<string, string> { ["done"] = "yes" } }),
                ("read", "Automation.ReadListItem", new { List = list.Id, ItemId = Flow.Liquid("{{ Activities.create.ItemId }}"), Fields = new[] { "order", "done" } }),
                ("log", Log, new { Text = Flow.Liquid("item for {{ Activities.read.order }} done={{ Activities.read.done }}") }),
            ],
            ["start->create", "create->edit", "edit->read", "read->log"]);

        var order = await h.CreateOrderAsync();

        await using var db = h.Store();
        var item = Assert.Single((await new UserLists(db, h.Clock).ListItemsAsync(list.Id, new Orders.PageRequest(), CancellationToken.None)).Items);
        Assert.Equal((order.Number, "4.5", "true"), (item.Values["order"], item.Values["cost"], item.Values["done"]));
        Assert.Contains($"item for {order.Number} done=true", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task Reading_an_item_that_is_gone_is_recorded_and_the_status_goes_on()
    {
        await using var h = await RulesHarness.StartAsync();
        var list = await GiftListAsync(h);
        await h.PublishStatusAsync("new", 100,
            [("read", "Automation.ReadListItem", new { List = list.Id, ItemId = 999, Title = "Read wrapping" }), ("log", Log, new { Text = "after" })],
            ["start->read", "read->log"]);

        var order = await h.CreateOrderAsync();

        Assert.Equal(["Rule 'Read wrapping' did nothing: List 1 has no item 999.", "after"], await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_fails_the_rule_naming_the_field()
    {
        await using var h = await RulesHarness.StartAsync();
        var list = await GiftListAsync(h);
        await h.PublishStatusAsync("new", 100,
            [("create", "Automation.CreateListItem", new { List = list.Id, Values = new Dictionary<string, string> { ["cost"] = "cheap" } })], ["start->create"]);

        var order = await h.CreateOrderAsync();

        Assert.Contains(await h.TimelineTextsAsync(order.Id, TimelineKind.Error), t => t.Contains("'cost' of list 'Gift wrapping' is a number field; 'cheap' is not one"));
    }
}
