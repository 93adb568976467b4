using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Orders.Counters;
using Automation.Orders.Persistence;
using Automation.Rules.Rules;
using Automation.Rules.Tests.Support;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;
using Automation.Workflows.Expressions;
using Automation.Workflows.Model;
using Automation.Workflows.Validation;

namespace Automation.Rules.Tests.Rules;

public sealed class GenerateCodeTests
{
    [Fact]
    public async Task Template_counter_hands_out_unique_codes_under_concurrency()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100,
            [("code", "Automation.GenerateCode", new { Template = "ORD-{{year}}-{{counter:00000}}", CounterName = "orders" }),
             ("log", "Automation.WriteToLog", new { Text = "logged" })], ["start->code", "code->log"]);

        var orders = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => h.CreateOrderAsync())));

        var codes = new List<string>();
        foreach (var order in orders)
        {
            var line = Assert.Single(await h.JournalAsync(order.Id), j => j.ActivityId == "code" && j.Event == "Completed");
            codes.Add((string)JsonNode.Parse(line.Data!)!["outputs"]!["Code"]!);
        }
        Assert.All(codes, c => Assert.Matches(@"^ORD-2026-\d{5}$", c));
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"ORD-2026-{n:00000}"), codes.Order());
    }

    [Fact]
    public async Task Random_code_has_the_length_and_alphabet_asked_for()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("code", "Automation.GenerateCode", new { Length = 12, Alphabet = new[] { "uppercase" } })], ["start->code"]);
        var order = await h.CreateOrderAsync();

        var line = Assert.Single(await h.JournalAsync(order.Id), j => j.ActivityId == "code");
        Assert.Matches(new Regex("^[A-Z]{12}$"), (string)JsonNode.Parse(line.Data!)!["outputs"]!["Code"]!);
    }

    /// Liquid renders `{{counter:000000}}` to nothing, so such a rule would hand out "PAID-" for every order: the file
    /// is refused, naming the input, instead of running wrong. Liquid without braces, and a Literal template, are fine.
    [Fact]
    public void A_template_written_as_Liquid_is_refused_since_Liquid_would_empty_its_placeholders()
    {
        var validator = new WorkflowValidator(ActivityRegistry.FromAssemblies(typeof(Start).Assembly, typeof(RuleActivity).Assembly), ExpressionEngine.CreateDefault());
        IReadOnlyList<ValidationError> Errors(object template) => validator.Validate(WorkflowJson.Parse(
            Flow.Json("paid", 100, "process", [("code", "Automation.GenerateCode", new { Template = template })], ["start->code"]), "paid.json"), "paid.json");

        var error = Assert.Single(Errors(Flow.Liquid("PAID-{{counter:000000}}")));
        Assert.Equal("code", error.ActivityId);
        Assert.EndsWith(".template.expression.type", error.JsonPath, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("input 'Template' has placeholders of its own (PAID-{{counter:000000}})", error.Message);
        Assert.Contains("Literal", error.Message);
        Assert.Empty(Errors("PAID-{{counter:000000}}"));
        Assert.Empty(Errors(Flow.Liquid("PAID")));
    }

    /// On PostgreSQL a counter is drawn by a statement of its own, so units of work on any node drawing from one counter
    /// do not queue behind each other's transactions; a unit that rolls back leaves its value unused. Document numbers
    /// are drawn in the transaction: the next caller waits for it and gets the value back if it rolls back.
    [Fact]
    public async Task On_PostgreSQL_a_counter_draw_waits_for_no_other_unit_and_only_gapless_numbers_do()
    {
        await using var h = await RulesHarness.StartPostgresAsync();
        await using var first = await h.Database.BeginAsync(); // disposed (rolled back) below; disposing again is a no-op
        Assert.Equal(1, await new CodeCounters(first.Db<StoreDb>()).NextAsync("codes", default));
        Assert.Equal(1, await new CodeCounters(first.Db<StoreDb>()).NextWithoutGapsAsync("invoices", default));

        await using (var second = await h.Database.BeginAsync())
        {
            var drawn = new CodeCounters(second.Db<StoreDb>()).NextAsync("codes", default);
            Assert.Same(drawn, await Task.WhenAny(drawn, Task.Delay(TimeSpan.FromSeconds(10))));
            Assert.Equal(2, await drawn);
            var invoice = new CodeCounters(second.Db<StoreDb>()).NextWithoutGapsAsync("invoices", default);
            await Task.Delay(300);
            Assert.False(invoice.IsCompleted, "a gapless number waits for the transaction that drew the one before");
            await first.DisposeAsync(); // rolls back: its code 1 stays unused, its invoice number 1 is given back
            Assert.Equal(1, await invoice);
            await second.CommitAsync();
        }

        await using var third = await h.Database.BeginAsync();
        Assert.Equal(3, await new CodeCounters(third.Db<StoreDb>()).NextAsync("codes", default));
        Assert.Equal(2, await new CodeCounters(third.Db<StoreDb>()).NextWithoutGapsAsync("invoices", default));
    }
}
