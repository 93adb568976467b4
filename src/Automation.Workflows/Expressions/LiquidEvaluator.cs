using System.Collections.Concurrent;
using System.Globalization;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;

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
        var configuration = new HandlebarsConfiguration { NoEscape = true, FormatProvider = CultureInfo.InvariantCulture };
        configuration.FormatterProviders.Add(new DateFormatter());
        _handlebars = Handlebars.Create(configuration);
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

    /// Renders dates as `2024-03-09 14:30:00 +01:00`, the same on every server, instead of the culture's month-first form.
    private sealed class DateFormatter : IFormatter, IFormatterProvider
    {
        public void Format<T>(T value, in EncodedTextWriter writer) => writer.Write(value switch
        {
            DateTimeOffset date => date.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
            DateTime date => date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        }, false);

        public bool TryCreateFormatter(Type type, out IFormatter formatter)
        {
            var isDate = type == typeof(DateTimeOffset) || type == typeof(DateTime);
            formatter = this;
            return isDate;
        }
    }
}
