using Automation.Orders;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Edit list item: changes fields of a list item; the fields not named keep their values. When the item is gone the
/// rule says so and the status goes on.
[Activity("Automation", "EditListItem", Category = "Lists", DisplayName = "Edit list item", Description = "Changes fields of a list item.")]
public sealed class EditListItem : RuleActivity
{
    [Input(Description = "The list.", OptionsProvider = "Lists", Required = true)]
    public Input<long> List { get; init; } = new(0);

    [Input(Description = "The item's id, e.g. {{ Activities.create.ItemId }}.", Required = true)]
    public Input<long> ItemId { get; init; } = new(0);

    [Input(Description = "Field code → new value; values may use {{ Order.… }}.", UIHint = UIHints.Dictionary, Required = true)]
    public Input<Dictionary<string, string?>> Values { get; init; } = new([]);

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        try
        {
            await rule.Lists.UpdateItemAsync(rule.Get(List), rule.Get(ItemId), await RenderedValues.OfAsync(rule, rule.Get(Values)), rule.CancellationToken);
        }
        catch (DomainException gone) when (gone.Code == "list_item_not_found")
        {
            rule.NothingToDo(gone.Message);
        }
    }
}
