using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Automation.Workflows.Expressions;

/// What a set of expressions (a workflow's inputs, or one template) may read from the model's roots, judged from their
/// text. Contributors use it to leave out the parts of a root nothing reads: the order's client costs a query on every
/// step, and most templates only name the order's own fields.
///
/// The judgement errs on the side of "may read": a Liquid template that names the member anywhere (`Order.Client.Name`,
/// `lookup Order "Client"`, `{{#with Client}}`), or names the root without a fixed member after it (`{{#with Order}}`,
/// `Order[key]`, `{{ Order }}`), may read it; a tag that can reach every root without naming one (`this`, `@root`,
/// `../`), JavaScript, and any expression type this class does not know, may read everything. Literals, variables and
/// JSON objects read no root.
public sealed partial class ExpressionReferences
{
    private readonly string[] _templates;
    private readonly bool _opaque;
    private readonly ConcurrentDictionary<(string Root, string Member), bool> _answers = new();

    private ExpressionReferences(string[] templates, bool opaque)
    {
        _templates = templates;
        _opaque = opaque;
    }

    /// Expressions that read every root: for callers that cannot say what will be evaluated.
    public static ExpressionReferences Everything { get; } = new([], opaque: true);

    public static ExpressionReferences Of(IEnumerable<Expression?> expressions)
    {
        var templates = new List<string>();
        foreach (var expression in expressions)
        {
            switch (expression?.Type)
            {
                case null or ExpressionTypes.Literal or ExpressionTypes.Variable or ExpressionTypes.Object or ExpressionTypes.Json:
                    continue;
                case ExpressionTypes.Liquid:
                    templates.AddRange(Tags(expression.Text ?? ""));
                    continue;
                default:
                    return Everything;
            }
        }
        return new ExpressionReferences([.. templates.Distinct(StringComparer.Ordinal)], opaque: false);
    }

    /// Whether some expression may read <paramref name="member"/> of <paramref name="root"/> (both identifiers).
    public bool MayRead(string root, string member) =>
        _opaque || _answers.GetOrAdd((root, member), key => _templates.Any(t => Names(t, key.Member) || NamesWhole(t, key.Root) || NamesAnyRoot(t)));

    // `this`, `@root` or `../` can reach every root without naming it (`{{#each this}}`): such a tag may read anything.
    private static bool NamesAnyRoot(string tag) =>
        Names(tag, "this") || tag.Contains("@root", StringComparison.Ordinal) || tag.Contains("../", StringComparison.Ordinal);

    // What the template evaluates: the insides of its `{{ … }}` tags (the text around them is printed as it stands).
    private static IEnumerable<string> Tags(string template)
    {
        for (var open = template.IndexOf("{{", StringComparison.Ordinal); open >= 0; open = template.IndexOf("{{", open + 2, StringComparison.Ordinal))
        {
            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            yield return close < 0 ? template[(open + 2)..] : template[(open + 2)..close];
            if (close < 0) yield break;
            open = close;
        }
    }

    // The identifier standing on its own: `Client` in `Order.Client.Name` or `"Client"`, not in `ClientRef`.
    private static bool Names(string text, string identifier)
    {
        for (var at = text.IndexOf(identifier, StringComparison.Ordinal); at >= 0; at = text.IndexOf(identifier, at + 1, StringComparison.Ordinal))
            if (!IsIdentifierChar(text, at - 1) && !IsIdentifierChar(text, at + identifier.Length)) return true;
        return false;
    }

    // The root used other than through a fixed member: `Order.Number`, `Order["Number"]` and `lookup Order "Number"` read
    // one member; anything else after `Order` (the end of the tag, `[key]`, `lookup Order key`, a filter) may hand the
    // whole root on.
    private static bool NamesWhole(string text, string root)
    {
        for (var at = text.IndexOf(root, StringComparison.Ordinal); at >= 0; at = text.IndexOf(root, at + 1, StringComparison.Ordinal))
        {
            var end = at + root.Length;
            if (IsIdentifierChar(text, at - 1) || IsIdentifierChar(text, end)) continue;
            if (!FixedMember().IsMatch(text.AsSpan(end))) return true;
        }
        return false;
    }

    private static bool IsIdentifierChar(string text, int index) =>
        index >= 0 && index < text.Length && (char.IsLetterOrDigit(text[index]) || text[index] == '_');

    [GeneratedRegex("""^(\s*\.\s*[A-Za-z_]|\s*\[\s*(["'])[A-Za-z_][A-Za-z0-9_]*\2\s*\]|\s+(["'])[A-Za-z_][A-Za-z0-9_]*\3)""")]
    private static partial Regex FixedMember();
}
