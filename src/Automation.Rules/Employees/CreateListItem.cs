using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Create list item: adds an item to one of the store's lists, its field values filled from the order.
[Activity("Automation", "CreateListItem", Category = "Lists", DisplayName = "Create list item", Description = "Adds an item to a list.")]
public sealed class CreateListItem : RuleActivity
{
    [Input(Description = "The list.", OptionsProvider = "Lists", Required = true)]
    public Input<long> List { get; init; } = new(0);

    [Input(Description = "Field code → value; values may use {{ Order.… }}.", UIHint = UIHints.Dictionary, Required = true)]
    public Input<Dictionary<string, string?>> Values { get; init; } = new([]);

    [Output(Description = "The new item's id.")] public Output<long> ItemId { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var item = await rule.Lists.AddItemAsync(rule.Get(List), await RenderedValues.OfAsync(rule, rule.Get(Values)), rule.CancellationToken);
        rule.Set(ItemId, item.Id);
    }
}
