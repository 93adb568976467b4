using Automation.Orders.Orders;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Edit element: sets order fields; values may use `{{ … }}`. With "append", a value is added to a multi-value field
/// instead of replacing what is there.
[Activity("Automation", "EditElement", Category = "Order", DisplayName = "Edit element", Description = "Sets fields of the order.")]
public sealed class EditElement : RuleActivity
{
    [Input(Description = "Field → value; values may use {{ Order.… }} and {{ Activities.… }}.", UIHint = UIHints.Dictionary, Required = true)]
    public Input<Dictionary<string, string?>> Fields { get; init; } = new([]);

    [Input(DisplayName = "Don't overwrite, append to multi-value fields", Description = "Add each value to the field's values instead of replacing them.")]
    public Input<bool> Append { get; init; } = new(false);

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var values = await RenderedValues.OfAsync(rule, rule.Get(Fields));
        await rule.Orders.SetFieldsAsync(rule.Order.Id, values, rule.Get(Append) ? FieldWriteMode.Append : FieldWriteMode.Overwrite, rule.CancellationToken);
        rule.AddTimeline(Orders.Timeline.TimelineKind.Log, "Fields set: " + string.Join(", ", values.Select(v => $"{v.Key} = {v.Value ?? "(empty)"}")), rule.Title,
            new { fields = values, append = rule.Get(Append) });
    }
}
