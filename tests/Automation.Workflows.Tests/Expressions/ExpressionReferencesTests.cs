using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;

namespace Automation.Workflows.Tests.Expressions;

public sealed class ExpressionReferencesTests
{
    private static ExpressionReferences Liquid(params string[] templates) =>
        ExpressionReferences.Of(templates.Select(t => new Expression(ExpressionTypes.Liquid, JsonValue.Create(t))));

    [Theory]
    [InlineData("Order {{ Order.Number }} paid", false)]
    [InlineData("{{ Order.Number }} for {{ Order.ClientRef }}", false)]
    [InlineData("Order {{ Order.Number }} for our Client", false)]
    [InlineData("""{{ lookup Order "Number" }} {{ Order [ 'Amount' ] }}""", false)]
    [InlineData("Hello {{ Order.Client.Name | upcase }}", true)]
    [InlineData("Hello {{ Order . Client . Name }}", true)]
    [InlineData("""{{ lookup Order "Client" }}""", true)]
    [InlineData("{{#with Order.Client}}{{Name}}{{/with}}", true)]
    [InlineData("{{#with Order}}{{Number}}{{/with}}", true)]
    [InlineData("{{ lookup Order Variables.field }}", true)]
    [InlineData("{{ Order }}", true)]
    [InlineData("{{#each this}}{{#each this}}{{Name}}{{/each}}{{/each}}", true)]
    [InlineData("{{#each Order.Fields}}{{@root.Workflow.CorrelationId}}{{/each}}", true)]
    [InlineData("{{#with Order.Fields}}{{../Order.Number}}{{/with}}", true)]
    public void A_template_may_read_a_member_when_it_names_it_or_hands_the_whole_root_on(string template, bool mayReadClient) =>
        Assert.Equal(mayReadClient, Liquid(template).MayRead("Order", "Client"));

    [Fact]
    public void Any_template_of_the_set_counts() =>
        Assert.True(Liquid("{{ Order.Number }}", "Dear {{ Order.Responsible.Name }}").MayRead("Order", "Responsible"));

    [Fact]
    public void Literals_variables_and_objects_read_no_root()
    {
        var references = ExpressionReferences.Of([
            Expression.Literal("{{ Order.Client.Name }}"),
            new Expression(ExpressionTypes.Variable, JsonValue.Create("Client")),
            new Expression(ExpressionTypes.Object, JsonValue.Create("""{"Order":"Client"}""")),
            null,
        ]);
        Assert.False(references.MayRead("Order", "Client"));
    }

    [Theory]
    [InlineData(ExpressionTypes.JavaScript, "Order.Number")]
    [InlineData("C#", "Order.Number")]
    public void Scripts_and_unknown_expression_types_may_read_everything(string type, string text) =>
        Assert.True(ExpressionReferences.Of([new Expression(type, JsonValue.Create(text))]).MayRead("Order", "Client"));
}
