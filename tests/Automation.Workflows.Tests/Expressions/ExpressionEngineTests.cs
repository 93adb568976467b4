using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Automation.Workflows.Expressions;

namespace Automation.Workflows.Tests.Expressions;

public sealed class ExpressionEngineTests
{
    private readonly ExpressionEngine _engine = ExpressionEngine.CreateDefault();

    private static ExpressionModel Model()
    {
        var model = new ExpressionModel();
        model.VariableNames["93b1a1cb9221a635"] = "myNumber";
        model.Variables["myNumber"] = JsonValue.Create("41");
        return model;
    }

    [Fact]
    public void Literals_return_their_value_converted_to_the_input_type()
    {
        Assert.Equal("Hello", _engine.Evaluate<string>(Expression.Literal("Hello"), Model()));
        Assert.True(_engine.Evaluate<bool>(new Expression(ExpressionTypes.Literal, JsonNode.Parse("true")), Model()));
        Assert.Equal(12L, _engine.Evaluate<object>(new Expression(ExpressionTypes.Literal, JsonNode.Parse("12")), Model()));
        Assert.Equal(["GET", "POST"], _engine.Evaluate<string[]>(Expression.Literal("[\"GET\",\"POST\"]"), Model()));
    }

    [Fact]
    public void Object_and_json_expressions_parse_their_text()
    {
        var obj = _engine.Evaluate<JsonNode>(new Expression(ExpressionTypes.Object, JsonValue.Create("{\"to\":[\"a@b.c\"]}")), Model());
        var json = _engine.Evaluate<Dictionary<string, string>>(new Expression(ExpressionTypes.Json, JsonValue.Create("{\"k\":\"v\"}")), Model());

        Assert.Equal("a@b.c", obj["to"]![0]!.GetValue<string>());
        Assert.Equal("v", json["k"]);
        Assert.StartsWith("Object: invalid JSON", _engine.Check(new Expression(ExpressionTypes.Object, JsonValue.Create("{oops"))));
    }

    [Fact]
    public void Variables_are_found_by_id_by_name_and_by_plain_name()
    {
        var byId = new Expression(ExpressionTypes.Variable, JsonValue.Create("""{"id":"93b1a1cb9221a635","name":"renamed","typeName":"Int32"}"""));
        var byName = new Expression(ExpressionTypes.Variable, JsonValue.Create("""{"name":"myNumber","typeName":"Int32"}"""));
        var plain = new Expression(ExpressionTypes.Variable, JsonValue.Create("myNumber"));

        Assert.Equal(41, _engine.Evaluate<int>(byId, Model()));
        Assert.Equal(41, _engine.Evaluate<int>(byName, Model()));
        Assert.Equal("41", _engine.Evaluate<string>(plain, Model()));
    }

    [Fact]
    public void An_unknown_variable_is_named_in_the_error()
    {
        var missing = new Expression(ExpressionTypes.Variable, JsonValue.Create("""{"id":"nope-id","name":"ghost"}"""));

        var error = Assert.Throws<ExpressionException>(() => _engine.Evaluate<object>(missing, Model(), "Amount"));

        Assert.Equal("input 'Amount': Variable: unknown variable 'ghost' (id nope-id); known variables: myNumber", error.Message);
    }

    [Fact]
    public void An_unknown_expression_type_lists_the_supported_ones()
    {
        var csharp = new Expression("CSharp", JsonValue.Create("1 + 1"));

        var error = Assert.Throws<ExpressionException>(() => _engine.Evaluate<object>(csharp, Model()));

        Assert.Equal("unsupported expression type 'CSharp'; supported: Literal, Object, Json, Variable, Liquid, JavaScript", error.Message);
        Assert.Equal(error.Message, _engine.Check(csharp));
        Assert.Equal(["Literal", "Object", "Json", "Variable", "Liquid", "JavaScript"], _engine.SupportedTypes);
    }

    [Fact]
    public void Conversion_failures_name_the_input()
    {
        var error = Assert.Throws<ExpressionException>(() => _engine.Evaluate(Expression.Literal("abc"), Model(), typeof(int), "Count"));

        Assert.Equal("cannot convert \"abc\" to Int32 for input 'Count'", error.Message);
    }

    [Fact]
    public void One_engine_serves_many_threads_with_correct_results()
    {
        var failures = new ConcurrentBag<string>();

        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() => EvaluateMany(t, failures))).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Empty(failures);
    }

    private void EvaluateMany(int thread, ConcurrentBag<string> failures)
    {
        var script = new Expression(ExpressionTypes.JavaScript, JsonValue.Create("Order.Amount * 10 + Variables.Thread"));
        var template = new Expression(ExpressionTypes.Liquid, JsonValue.Create("{{ Order.Number | downcase }}/{{ Variables.Thread }}"));
        for (var i = 0; i < 500; i++)
        {
            var model = new ExpressionModel { ["Order"] = new Dictionary<string, object?> { ["Number"] = $"T{thread}-{i}", ["Amount"] = i } };
            model.Variables["Thread"] = thread;
            try
            {
                var js = _engine.Evaluate<long>(script, model);
                var text = _engine.Evaluate<string>(template, model);
                if (js != i * 10 + thread) failures.Add($"js {thread}/{i}: {js}");
                if (text != $"t{thread}-{i}/{thread}") failures.Add($"liquid {thread}/{i}: {text}");
            }
            catch (ExpressionException e)
            {
                failures.Add($"{thread}/{i}: {e.Message}");
            }
        }
    }
}
