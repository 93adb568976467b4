using System.Collections.Concurrent;
using System.Globalization;
using HandlebarsDotNet;

namespace Automation.Workflows.Expressions;

/// "Liquid": text templates such as `Order {{ Order.Number }} for {{ Order.Client.Name | upcase }}`, run on Handlebars.
public sealed class LiquidEvaluator : IExpressionEvaluator
{
    /// Compiled templates kept at most; the cache starts over when it is full (workflows hold far fewer).
    public const int MaxCachedTemplates = 2000;

    private readonly IHandlebars _handlebars;
    private readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> _templates = new(StringComparer.Ordinal);

    public LiquidEvaluator(TimeProvider? clock = null)
    {
        // Output feeds emails, SMS and comments, which escape for their own medium; HTML-escaping here would double it.
        _handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true, FormatProvider = CultureInfo.InvariantCulture });
        LiquidFilters.Register(_handlebars, clock ?? TimeProvider.System);
    }

    public string Type => ExpressionTypes.Liquid;

    public object? Evaluate(Expression expression, ExpressionModel model)
    {
        var text = expression.Text;
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var template = Compile(text);
        try
        {
            return template(model.Roots);
        }
        catch (Exception e) when (e is not ExpressionException)
        {
            throw Problem(e);
        }
    }

    public string? Check(Expression expression)
    {
        try
        {
            if (expression.Text is { Length: > 0 } text) Compile(text);
            return null;
        }
        catch (ExpressionException e)
        {
            return e.Message;
        }
    }

    private HandlebarsTemplate<object, object> Compile(string text)
    {
        if (_templates.TryGetValue(text, out var cached)) return cached;
        var handlebars = LiquidSyntax.ToHandlebars(text);
        HandlebarsTemplate<object, object> template;
        try
        {
            template = _handlebars.Compile(handlebars);
        }
        catch (Exception e) when (e is not ExpressionException)
        {
            throw new ExpressionException($"Liquid: the template does not compile: {e.Message}", e);
        }
        if (_templates.Count >= MaxCachedTemplates) _templates.Clear();
        return _templates.GetOrAdd(text, template);
    }

    private static ExpressionException Problem(Exception error)
    {
        for (var inner = error.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is ExpressionException known) return known;
        return new ExpressionException($"Liquid: {error.Message}", error);
    }
}
