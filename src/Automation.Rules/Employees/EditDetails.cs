using Automation.Orders.Orders;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Edit details: sets the details (legal name, tax id, address, …) of the order's client; `name` renames the client.
/// Values may use `{{ … }}`; with "append", a value is added to a multi-value detail.
[Activity("Automation", "EditDetails", Category = "Order", DisplayName = "Edit details", Description = "Sets the client's details.")]
public sealed class EditDetails : RuleActivity
{
    [Input(Description = "Detail → value; values may use {{ Order.… }} and {{ Activities.… }}.", UIHint = UIHints.Dictionary, Required = true)]
    public Input<Dictionary<string, string?>> Details { get; init; } = new([]);

    [Input(DisplayName = "Don't overwrite, append to multi-value details", Description = "Add each value to the detail's values instead of replacing them.")]
    public Input<bool> Append { get; init; } = new(false);

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var values = await RenderedValues.OfAsync(rule, rule.Get(Details));
        await rule.Clients.UpdateDetailsAsync(rule.Order.ClientId, values, rule.Get(Append) ? FieldWriteMode.Append : FieldWriteMode.Overwrite, rule.CancellationToken);
        rule.AddTimeline(Orders.Timeline.TimelineKind.Log, "Client details set: " + string.Join(", ", values.Keys), rule.Title, new { details = values });
    }
}
