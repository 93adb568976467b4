using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Generate code: a random code (Bitrix24: length, alphabet), or, as our extension, a template such as
/// `ORD-{{year}}-{{counter:00000}}` whose counter never hands out a value twice, also under concurrency.
[Activity("Automation", "GenerateCode", Category = "Employees", DisplayName = "Generate code", Description = "Generates a code later rules can use.")]
public sealed partial class GenerateCode : RuleActivity
{
    [Input(Description = "Length of a random code.", DefaultValue = 5)]
    public Input<int> Length { get; init; } = new(5);

    [Input(Description = "Characters of a random code.", UIHint = UIHints.CheckList, Options = ["numbers", "lowercase", "uppercase", "special"])]
    public Input<string[]> Alphabet { get; init; } = new(["numbers"]);

    [Input(Description = "Template instead of a random code: {{year}}, {{month}}, {{day}}, {{order}}, {{random}}, {{counter}} or {{counter:00000}} (a Literal, not Liquid).",
        OwnPlaceholders = true)]
    public Input<string> Template { get; init; } = new("");

    [Input(Description = "The counter {{counter}} draws from (default: one per rule).")]
    public Input<string> CounterName { get; init; } = new("");

    [Output(Description = "The generated code.")] public Output<string> Code { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var template = rule.Get(Template);
        var code = template.Length == 0 ? Random(rule) : await FromTemplateAsync(rule, template);
        rule.Set(Code, code);
    }

    private string Random(RuleContext rule)
    {
        var length = rule.Get(Length);
        if (length is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(Length), length, "Length must be between 1 and 256.");
        var alphabet = string.Concat((rule.Get(Alphabet) ?? []).Select(a => a.Trim().ToLowerInvariant() switch
        {
            "numbers" => "0123456789",
            "lowercase" => "abcdefghijklmnopqrstuvwxyz",
            "uppercase" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "special" => "!@#$%^&*()-_=+",
            var other => throw new ArgumentException($"Unknown alphabet '{other}'; use numbers, lowercase, uppercase, special.", nameof(Alphabet)),
        }).Distinct());
        if (alphabet.Length == 0) alphabet = "0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }

    private async Task<string> FromTemplateAsync(RuleContext rule, string template)
    {
        var now = rule.Clock.GetUtcNow();
        var counterName = rule.Get(CounterName) is { Length: > 0 } name ? name : $"code:{rule.Activity.Instance.DefinitionId}:{Id}";
        var result = template;
        foreach (Match match in Placeholder().Matches(template))
        {
            var key = match.Groups["key"].Value.ToLowerInvariant();
            var format = match.Groups["format"].Success ? match.Groups["format"].Value : null;
            var value = key switch
            {
                "year" => now.Year.ToString(format ?? "0000", CultureInfo.InvariantCulture),
                "month" => now.Month.ToString(format ?? "00", CultureInfo.InvariantCulture),
                "day" => now.Day.ToString(format ?? "00", CultureInfo.InvariantCulture),
                "order" => rule.Order.Number,
                "random" => RandomNumberGenerator.GetString("0123456789", format?.Length ?? 5),
                "counter" => (await rule.Counters.NextAsync(counterName, rule.CancellationToken)).ToString(format ?? "0", CultureInfo.InvariantCulture),
                _ => throw new ArgumentException($"Unknown placeholder '{match.Value}' in the code template.", nameof(Template)),
            };
            result = result.Replace(match.Value, value, StringComparison.Ordinal);
        }
        return result;
    }

    [GeneratedRegex(@"\{\{\s*(?<key>[a-zA-Z]+)\s*(:(?<format>[^}]+))?\}\}")]
    private static partial Regex Placeholder();
}
