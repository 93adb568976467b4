using Automation.Rules.Rules;

namespace Automation.Rules.Employees;

/// What the rules that write named values share (list items, order fields, client details): each value is a text that
/// may use `{{ … }}`.
internal static class RenderedValues
{
    public static async Task<IReadOnlyDictionary<string, string?>> OfAsync(RuleContext rule, Dictionary<string, string?>? values)
    {
        var rendered = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values ?? []) rendered[name] = value is null ? null : await rule.RenderAsync(value);
        return rendered;
    }
}
