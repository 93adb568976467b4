using System.Diagnostics;
using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;

namespace Automation.Workflows.Tests.Expressions;

public sealed class JavaScriptEvaluatorTests
{
    private readonly ExpressionEngine _engine = ExpressionEngine.CreateDefault();

    private static Expression Js(string script) => new(ExpressionTypes.JavaScript, script);

    private static ExpressionModel Model()
    {
        var model = new ExpressionModel
        {
            ["Order"] = new Dictionary<string, object?> { ["Amount"] = 150m, ["Client"] = new { Name = "Ann", Vip = true } },
            ["Activities"] = new Dictionary<string, object?> { ["GenerateCode1"] = JsonNode.Parse("""{"Code":"C-77"}""") },
        };
        model.Variables["Country"] = JsonValue.Create("NO");
        model.Variables["Count"] = 3;
        model.VariableNames["v-1"] = "Country";
        return model;
    }

    [Theory]
    [InlineData("Order.Amount > 100 && Variables.Country === 'NO'", true)]
    [InlineData("Order.Amount > 200 || Variables.Country !== 'NO'", false)]
    [InlineData("Order.Client.Vip && Order.Client.Name.indexOf('A') === 0", true)]
    public void Conditions_over_the_roots_evaluate_to_booleans(string script, bool expected)
    {
        Assert.Equal(expected, _engine.Evaluate<bool>(Js(script), Model()));
    }

    [Fact]
    public void Results_come_back_as_plain_clr_values()
    {
        var result = _engine.Evaluate<object>(Js("({ n: 2, d: 2.5, s: 'x', list: [1, 'a', null], nested: { ok: true }, none: undefined })"), Model());

        var map = Assert.IsType<Dictionary<string, object?>>(result);
        Assert.Equal(2L, map["n"]);
        Assert.Equal(2.5, map["d"]);
        Assert.Equal("x", map["s"]);
        Assert.Equal(new List<object?> { 1L, "a", null }, map["list"]);
        Assert.Equal(true, Assert.IsType<Dictionary<string, object?>>(map["nested"])["ok"]);
        Assert.Null(map["none"]);
    }

    [Fact]
    public void Numbers_convert_to_the_input_type()
    {
        Assert.Equal(300m, _engine.Evaluate<decimal>(Js("Order.Amount * 2"), Model()));
        Assert.Equal("4", _engine.Evaluate<string>(Js("getVariable('Count') + 1"), Model()));
    }

    [Fact]
    public void SetVariable_writes_into_the_model_and_is_visible_to_the_rest_of_the_script()
    {
        var model = Model();

        var seen = _engine.Evaluate<string>(Js("setVariable('Greeting', 'Hi ' + Order.Client.Name); setVariable('Count', 7); Variables.Greeting + '/' + getVariable('Count')"), model);

        Assert.Equal("Hi Ann/7", seen);
        Assert.Equal("Hi Ann", model.Variables["Greeting"]);
        Assert.Equal(7L, model.Variables["Count"]);
    }

    [Fact]
    public void GetVariable_accepts_a_variable_id_and_getOutput_reads_activity_outputs()
    {
        Assert.Equal("NO:C-77:undefined", _engine.Evaluate<string>(Js("getVariable('v-1') + ':' + getOutput('GenerateCode1', 'Code') + ':' + getOutput('Nope', 'Code')"), Model()));
    }

    [Fact]
    public void An_endless_loop_times_out_with_a_clear_message()
    {
        var engine = ExpressionEngine.CreateDefault(TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<ExpressionException>(() => engine.Evaluate<object>(Js("var i = 0; while (true) { i++; }"), Model()));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.StartsWith("JavaScript: ", error.Message);
        Assert.Contains("did not finish within 200 ms", error.Message);
    }

    [Fact]
    public void Endless_recursion_is_stopped()
    {
        var error = Assert.Throws<ExpressionException>(() => _engine.Evaluate<object>(Js("function f(n) { return f(n + 1); } f(0)"), Model()));

        Assert.Contains("recursed deeper than", error.Message);
    }

    [Theory]
    [InlineData("[1, 2].map(x => x * 2)", "arrow functions")]
    [InlineData("`Order ${Order.Amount}`", "template literals")]
    [InlineData("class A {}", "classes")]
    public void Es6_syntax_is_rejected_with_a_message_about_es5(string script, string feature)
    {
        var error = Assert.Throws<ExpressionException>(() => _engine.Evaluate<object>(Js(script), Model()));

        Assert.Contains("only ES5 is supported", error.Message);
        Assert.Contains(feature, error.Message);
        Assert.Equal(error.Message, _engine.Check(Js(script)));
    }

    [Fact]
    public void Runtime_errors_name_the_problem()
    {
        var thrown = Assert.Throws<ExpressionException>(() => _engine.Evaluate<object>(Js("throw new Error('no stock')"), Model()));
        var undefinedRead = Assert.Throws<ExpressionException>(() => _engine.Evaluate<object>(Js("Order.Nope.Deeper"), Model()));

        Assert.Equal("JavaScript: Error: no stock at line 1", thrown.Message);
        Assert.StartsWith("JavaScript: TypeError", undefinedRead.Message);
    }

    [Fact]
    public void Check_parses_without_running()
    {
        Assert.Null(_engine.Check(Js("while (true) {}")));
        Assert.Contains("syntax error", _engine.Check(Js("Order.Amount >")));
    }
}
