using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;

namespace Automation.Workflows.Tests.Expressions;

public sealed class LiquidEvaluatorTests
{
    private readonly ExpressionEngine _engine = ExpressionEngine.CreateDefault();

    private string Render(string template, ExpressionModel model) =>
        _engine.Evaluate<string>(new Expression(ExpressionTypes.Liquid, template), model);

    private static ExpressionModel OrderModel()
    {
        var model = new ExpressionModel
        {
            ["Order"] = new Dictionary<string, object?>
            {
                ["Number"] = "A-1001",
                ["Amount"] = 1234.5m,
                ["Client"] = new Dictionary<string, object?> { ["Name"] = "  Ann Smith ", ["Email"] = "ann@example.com" },
                ["Lines"] = new List<object?> { new Dictionary<string, object?> { ["Sku"] = "X1" }, new Dictionary<string, object?> { ["Sku"] = "Y2" } },
                ["CreatedAt"] = new DateTimeOffset(2024, 3, 9, 14, 30, 0, TimeSpan.Zero),
            },
            ["Activities"] = new Dictionary<string, object?> { ["GenerateCode1"] = JsonNode.Parse("""{"Code":"C-77","Meta":{"Len":4}}""") },
            ["Workflow"] = new Dictionary<string, object?> { ["CorrelationId"] = "order-42" },
        };
        model.Variables["Total"] = JsonValue.Create(99.95m);
        return model;
    }

    [Fact]
    public void Paths_read_nested_dictionaries_json_outputs_variables_and_the_workflow()
    {
        var text = Render(
            "Order {{ Order.Number }} for {{Order.Client.Email}}: code {{ Activities.GenerateCode1.Code }}/{{ Activities.GenerateCode1.Meta.Len }}, total {{ Variables.Total }}, ref {{ Workflow.CorrelationId }}",
            OrderModel());

        Assert.Equal("Order A-1001 for ann@example.com: code C-77/4, total 99.95, ref order-42", text);
    }

    [Fact]
    public void Paths_read_public_properties_of_clr_objects()
    {
        var created = new DateTimeOffset(2024, 3, 9, 14, 30, 0, TimeSpan.FromHours(1));
        var model = new ExpressionModel { ["Order"] = new { Number = 7L, Client = new { Name = "Bob" }, Amount = 10.5, Created = created } };

        var text = Render("{{ Order.Number }} {{ Order.Client.Name }} {{ Order.Amount }} {{ Order.Created }}", model);

        Assert.Equal("7 Bob 10.5 2024-03-09 14:30:00 +01:00", text);
    }

    [Fact]
    public void List_items_are_read_with_liquid_indexes_and_each_blocks()
    {
        Assert.Equal("Y2 | X1,Y2,", Render("{{ Order.Lines[1].Sku }} | {{#each Order.Lines}}{{Sku}},{{/each}}", OrderModel()));
    }

    [Fact]
    public void Filters_transform_values()
    {
        var text = Render(
            "{{ Order.Client.Name | strip | upcase }}|{{ Order.Client.Name | strip | downcase }}|{{ Order.Missing | default: \"n/a\" }}|"
            + "{{ Order.CreatedAt | date: \"yyyy-MM-dd\" }}|{{ Order.CreatedAt | date: '%d.%m.%Y %H:%M' }}|{{ Order.Amount | round: 0 }}|"
            + "{{ Variables.Total | round: 1 }}|{{ Order.Lines | size }}|{{ Order.Amount | money }}|{{ Order.Amount | format: \"0.000\" }}|"
            + "{{ Order.Amount | times: 2 | plus: 1 }}",
            OrderModel());

        Assert.Equal("ANN SMITH|ann smith|n/a|2024-03-09|09.03.2024 14:30|1235|100.0|2|1234.50|1234.500|2470.0", text);
    }

    [Fact]
    public void Output_is_not_html_escaped()
    {
        var model = new ExpressionModel { ["Order"] = new Dictionary<string, object?> { ["Note"] = "<b>Tom & Jerry</b> \"quoted\"" } };

        Assert.Equal("<p><b>Tom & Jerry</b> \"quoted\" & more</p>", Render("<p>{{ Order.Note }} & more</p>", model));
        Assert.Equal("<B>TOM & JERRY</B> \"QUOTED\"", Render("{{ Order.Note | upcase }}", model));
        Assert.Equal("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &quot;quoted&quot;", Render("{{ Order.Note | escape }}", model));
    }

    [Fact]
    public void Missing_members_render_as_empty()
    {
        Assert.Equal("[][][]", Render("[{{ Order.Nope }}][{{ Nothing.At.All }}][{{ Order.Client.Nope | upcase }}]", OrderModel()));
    }

    [Theory]
    [InlineData("Hello {{ Order.Number ", "not closed")]
    [InlineData("{{#if Order.Number}}open block", "does not compile")]
    [InlineData("{{ Order.Number | shout }}", "unknown filter 'shout'")]
    [InlineData("{% if Order.Number %}x{% endif %}", "not supported")]
    public void Syntax_errors_raise_a_clear_expression_exception(string template, string expected)
    {
        var error = Assert.Throws<ExpressionException>(() => Render(template, OrderModel()));

        Assert.StartsWith("Liquid: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(error.Message, _engine.Check(new Expression(ExpressionTypes.Liquid, template)));
    }

    [Fact]
    public void Check_accepts_a_valid_template_without_running_it()
    {
        Assert.Null(_engine.Check(new Expression(ExpressionTypes.Liquid, "{{ Order.Number | upcase }} {{#each Order.Lines}}{{Sku}}{{/each}}")));
    }

    [Fact]
    public void A_filter_given_a_value_it_cannot_use_names_the_filter_and_the_value()
    {
        var model = new ExpressionModel { ["Order"] = new Dictionary<string, object?> { ["Amount"] = "abc" } };

        var error = Assert.Throws<ExpressionException>(() => Render("{{ Order.Amount | round: 2 }}", model));

        Assert.Contains("filter 'round' needs a number, got \"abc\"", error.Message);
    }

    [Fact]
    public void Date_filter_reads_now_from_the_clock()
    {
        var engine = ExpressionEngine.CreateDefault(clock: new FixedClock(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));

        var text = engine.Evaluate<string>(new Expression(ExpressionTypes.Liquid, "{{ \"now\" | date: \"yyyy-MM-dd HH:mm\" }}"), new ExpressionModel());

        Assert.Equal("2030-01-02 03:04", text);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
