using System.Text;
using System.Text.RegularExpressions;

namespace Automation.Workflows.Expressions;

/// Rewrites the Liquid a user types (`{{ X | upcase }}`, `Lines[0]`) into the Handlebars the engine runs.
internal static partial class LiquidSyntax
{
    public static string ToHandlebars(string template)
    {
        if (template.Contains("{%", StringComparison.Ordinal))
            throw new ExpressionException("Liquid: tags such as {% if %} are not supported; use {{#if X}}…{{/if}} or {{#each X}}…{{/each}}");
        var output = new StringBuilder(template.Length + 16);
        var position = 0;
        while (position < template.Length)
        {
            var start = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (start < 0) break;
            output.Append(template, position, start - position);
            var triple = string.CompareOrdinal(template, start, "{{{", 0, 3) == 0;
            var (open, close) = triple ? ("{{{", "}}}") : ("{{", "}}");
            var end = FindClose(template, start + open.Length, close);
            if (end < 0) throw new ExpressionException($"Liquid: '{Excerpt(template, start)}' is not closed with '{close}'");
            output.Append(open).Append(Mustache(template[(start + open.Length)..end])).Append(close);
            position = end + close.Length;
        }
        if (position < template.Length) output.Append(template, position, template.Length - position);
        return output.ToString();
    }

    private static string Mustache(string inner)
    {
        // Liquid trims whitespace with {{- -}}, Handlebars with {{~ ~}}.
        var body = inner.Trim();
        var left = body.Length > 0 && body[0] is '-' or '~' ? "~" : "";
        var right = body.Length > left.Length && body[^1] is '-' or '~' ? "~" : "";
        body = body[left.Length..^right.Length].Trim();
        if (body.StartsWith('!')) return inner;
        var parts = Split(body, '|');
        if (parts.Count == 1 || body.Length > 0 && body[0] is '#' or '/' or '^' or '>' or '&') return left + Paths(body) + right;
        var expression = Paths(parts[0].Trim());
        if (expression.Length == 0) throw new ExpressionException($"Liquid: '{{{{ {body} }}}}' has a filter but no value before '|'");
        foreach (var filter in parts.Skip(1)) expression = $"({Filter(filter.Trim(), body)} {expression}{Arguments(filter, body)})";
        return left + expression[1..^1] + right;
    }

    private static string Filter(string filter, string body)
    {
        var name = Split(filter, ':')[0].Trim();
        if (LiquidFilters.Names.Contains(name)) return name;
        var known = string.Join(", ", LiquidFilters.Names.Order(StringComparer.Ordinal));
        throw new ExpressionException($"Liquid: unknown filter '{name}' in '{{{{ {body} }}}}'; supported filters: {known}");
    }

    private static string Arguments(string filter, string body)
    {
        var colon = Split(filter, ':');
        if (colon.Count == 1) return "";
        var arguments = Split(string.Join(':', colon.Skip(1)), ',');
        var result = new StringBuilder();
        foreach (var raw in arguments)
        {
            var argument = raw.Trim();
            if (argument.Length == 0) throw new ExpressionException($"Liquid: an empty filter argument in '{{{{ {body} }}}}'");
            result.Append(' ').Append(argument[0] == '\'' && !argument.Contains('"') ? '"' + argument[1..^1] + '"' : Paths(argument));
        }
        return result.ToString();
    }

    /// Liquid indexes lists as `Lines[0]`; Handlebars as `Lines.[0]`.
    private static string Paths(string expression) => Quoted().Replace(expression, m => m.Groups["q"].Success ? m.Value : Index().Replace(m.Value, ".[$1]"));

    /// Splits on a separator that is not inside a quoted string.
    private static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        var quote = '\0';
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == separator) { parts.Add(text[start..i]); start = i + 1; }
        }
        parts.Add(text[start..]);
        return parts;
    }

    private static int FindClose(string text, int from, string close)
    {
        var quote = '\0';
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (string.CompareOrdinal(text, i, close, 0, close.Length) == 0) return i;
            else if (c == '{' && i + 1 < text.Length && text[i + 1] == '{') return -1;
        }
        return -1;
    }

    private static string Excerpt(string text, int start) =>
        text.Length - start > 30 ? text.Substring(start, 30) + "…" : text[start..];

    [GeneratedRegex("""(?<q>"[^"]*"|'[^']*')|[^"']+""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?<=[\w\]])\[(\d+)\]")]
    private static partial Regex Index();
}
