using Automation.Orders;
using Automation.Orders.Lists;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Read list item: reads chosen fields of a list item into outputs named after the fields, e.g.
/// `{{ Activities.read.cost }}`. When the item is gone the rule says so and the status goes on.
[Activity("Automation", "ReadListItem", Category = "Lists", DisplayName = "Read list item", Description = "Reads fields of a list item for later rules.")]
public sealed class ReadListItem : RuleActivity
{
    [Input(Description = "The list.", OptionsProvider = "Lists", Required = true)]
    public Input<long> List { get; init; } = new(0);

    [Input(Description = "The item's id, e.g. {{ Activities.create.ItemId }}.", Required = true)]
    public Input<long> ItemId { get; init; } = new(0);

    [Input(Description = "The field codes to read (none: all); each is an output of its own name.", UIHint = UIHints.MultiText, NamesOutputs = true)]
    public Input<string[]> Fields { get; init; } = new([]);

    [Output(Description = "Every field read, by code.")] public Output<Dictionary<string, object?>> Values { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var list = await rule.Lists.GetListAsync(rule.Get(List), rule.CancellationToken);
        var wanted = rule.Get(Fields) is { Length: > 0 } codes
            ? codes.Select(code => list.Field(code) ?? throw DomainException.Invalid("fields", $"name '{code}', which is not a field of list '{list.Name}'")).ToList()
            : list.Fields;
        UserListItem item;
        try
        {
            item = await rule.Lists.GetItemAsync(list.Id, rule.Get(ItemId), rule.CancellationToken);
        }
        catch (DomainException gone) when (gone.Code == "list_item_not_found")
        {
            rule.NothingToDo(gone.Message);
            return;
        }
        var values = wanted.ToDictionary(f => f.Code, f => ListValues.Read(f, item.Values.GetValueOrDefault(f.Code)), StringComparer.Ordinal);
        foreach (var (code, value) in values) rule.Activity.SetOutput(code, value);
        rule.Set(Values, values);
    }
}
