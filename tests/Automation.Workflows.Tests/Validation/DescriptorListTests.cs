using Automation.Workflows.Activities;
using Automation.Workflows.Descriptors;

namespace Automation.Workflows.Tests.Validation;

/// The lists of an activity's inputs in the descriptor Studio reads (elsa-contract.md §2.3, uiSpecifications).
public sealed class DescriptorListTests
{
    [Activity("Test", "PickPeople", Category = "Test", IsBrowsable = false)]
    public sealed class PickPeople : Activity
    {
        [Input(UIHint = UIHints.CheckList, OptionsProvider = "Employees")] public Input<long[]> Watchers { get; init; } = new([]);
        [Input(OptionsProvider = "Employees")] public Input<long?> Owner { get; init; } = new(null);
        [Input(UIHint = UIHints.CheckList, Options = ["Low", "High"])] public Input<string[]> Levels { get; init; } = new([]);

        public override ValueTask ExecuteAsync(Automation.Workflows.Runtime.ActivityContext context) => ValueTask.CompletedTask;
    }

    private static readonly ActivityDescriptor Descriptor = new ActivityRegistry([typeof(PickPeople)]).Descriptors.Single();

    private static InputDescriptor Input(string name) => Descriptor.Inputs.Single(i => i.Name == name);

    [Fact]
    public void A_check_list_names_its_provider_like_a_dropdown_so_the_host_can_fill_it()
    {
        Assert.Equal("Employees", Input("Watchers").UiSpecifications!["providerName"]!.GetValue<string>());
        Assert.Empty(Input("Watchers").UiSpecifications!["checkList"]!["items"]!.AsArray());
        Assert.Equal("Employees", Input("Owner").UiSpecifications!["providerName"]!.GetValue<string>());
        Assert.Null(Input("Levels").UiSpecifications!["providerName"]);
        Assert.Equal(["Low", "High"], Input("Levels").UiSpecifications!["checkList"]!["items"]!.AsArray().Select(i => i!["value"]!.GetValue<string>()));
    }
}
