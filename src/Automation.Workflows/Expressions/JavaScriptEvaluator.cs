using System.Globalization;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native;
using Jint.Parser;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Automation.Workflows.Expressions;

/// How long and how deep one JavaScript evaluation may run.
public sealed record JavaScriptLimits(TimeSpan Timeout, int MaxStatements = 10_000_000, int MaxRecursionDepth = 100)
{
    public static JavaScriptLimits Default { get; } = new(TimeSpan.FromSeconds(1));
}

/// "JavaScript" (ES5, on Jint 2): the model's roots are globals, plus getVariable, setVariable and getOutput.
public sealed partial class JavaScriptEvaluator(JavaScriptLimits? limits = null) : IExpressionEvaluator
{
    private readonly JavaScriptLimits _limits = limits ?? JavaScriptLimits.Default;

    public string Type => ExpressionTypes.JavaScript;

    public object? Evaluate(Expression expression, ExpressionModel model)
    {
        var script = expression.Text;
        if (string.IsNullOrWhiteSpace(script)) return null;
        var program = Parse(script);
        // Jint engines are not thread-safe and hold the script's globals: one per evaluation.
        var engine = new Engine(options => options
            .TimeoutInterval(_limits.Timeout)
            .MaxStatements(_limits.MaxStatements)
            .LimitRecursion(_limits.MaxRecursionDepth)
            .Culture(CultureInfo.InvariantCulture)
            .LocalTimeZone(TimeZoneInfo.Utc));
        // Only the roots the script names are copied in: a large order costs nothing to a script that never reads it.
        var names = Identifiers().Matches(script).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in model.Roots)
            if (names.Contains(name)) engine.SetValue(name, JavaScriptValues.ToJs(engine, value, $"'{name}'"));
        AddFunctions(engine, model);
        try
        {
            return JavaScriptValues.ToClr(engine.Execute(program).GetCompletionValue());
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
            if (!string.IsNullOrWhiteSpace(expression.Text)) Parse(expression.Text);
            return null;
        }
        catch (ExpressionException e)
        {
            return e.Message;
        }
    }

    private static Jint.Parser.Ast.Program Parse(string script)
    {
        try
        {
            return new JavaScriptParser().Parse(script);
        }
        catch (ParserException e)
        {
            var es6 = Es6Feature(script);
            throw new ExpressionException(es6 is null
                ? $"JavaScript: syntax error: {e.Message}"
                : $"JavaScript: only ES5 is supported, and this script uses {es6} ({e.Message})", e);
        }
    }

    private void AddFunctions(Engine engine, ExpressionModel model)
    {
        engine.SetValue("getVariable", new ClrFunctionInstance(engine, (_, args) =>
        {
            var name = Argument(args, 0, "getVariable");
            if (!model.Variables.ContainsKey(name) && model.VariableNames.TryGetValue(name, out var byId)) name = byId;
            return model.Variables.TryGetValue(name, out var value) ? JavaScriptValues.ToJs(engine, value, $"variable '{name}'") : JsValue.Undefined;
        }, 1));
        engine.SetValue("setVariable", new ClrFunctionInstance(engine, (_, args) =>
        {
            var name = Argument(args, 0, "setVariable");
            var value = args.Length > 1 ? args[1] : JsValue.Undefined;
            model.Variables[name] = JavaScriptValues.ToClr(value);
            // Keep the script's own view of Variables in step with what it just wrote.
            if (engine.Global.HasProperty("Variables") && engine.GetValue("Variables") is { } variables && variables.IsObject())
                variables.AsObject().Put(name, value, false);
            return JsValue.Undefined;
        }, 2));
        engine.SetValue("getOutput", new ClrFunctionInstance(engine, (_, args) =>
        {
            var activity = Argument(args, 0, "getOutput");
            var output = Argument(args, 1, "getOutput");
            if (!ModelValues.TryGetMember(model["Activities"], activity, out var outputs)
                || !ModelValues.TryGetMember(outputs, output, out var value)) return JsValue.Undefined;
            return JavaScriptValues.ToJs(engine, value, $"output '{activity}.{output}'");
        }, 2));
    }

    private static string Argument(JsValue[] args, int index, string function) =>
        args.Length > index && args[index].IsString() && args[index].AsString() is { Length: > 0 } text
            ? text
            : throw new ExpressionException($"JavaScript: {function} needs a name as argument {index + 1}");

    private ExpressionException Problem(Exception error) => error switch
    {
        TimeoutException => new($"JavaScript: the script did not finish within {_limits.Timeout.TotalMilliseconds:0} ms (an endless loop?)", error),
        StatementsCountOverflowException => new($"JavaScript: the script ran more than {_limits.MaxStatements} statements (an endless loop?)", error),
        RecursionDepthOverflowException => new($"JavaScript: the script recursed deeper than {_limits.MaxRecursionDepth} calls", error),
        JavaScriptException js => new($"JavaScript: {Describe(js)}", error),
        _ => new($"JavaScript: {error.Message}", error),
    };

    private static string Describe(JavaScriptException error)
    {
        var text = error.Error.IsObject() && error.Error.AsObject().Get("message") is { } m && m.IsString() && m.AsString().Length > 0
            ? $"{error.Error.AsObject().Get("name")}: {m.AsString()}"
            : error.Error.ToString();
        if (text is "TypeError" or "ReferenceError") text += " (a name that is not defined, or a property read from null or undefined)";
        return error.LineNumber > 0 ? $"{text} at line {error.LineNumber}" : text;
    }

    /// Names the ES2015+ construct that most likely broke the parse, so the message says what to rewrite.
    private static string? Es6Feature(string script)
    {
        var code = StringsAndComments().Replace(script, "\"\"");
        if (script.Contains('`')) return "template literals (`…${x}`)";
        if (code.Contains("=>", StringComparison.Ordinal)) return "arrow functions (=>)";
        if (Regex.IsMatch(code, @"\bclass\s+\w")) return "classes";
        if (code.Contains("...", StringComparison.Ordinal)) return "spread and rest parameters (...)";
        if (code.Contains("**", StringComparison.Ordinal)) return "the ** operator";
        if (Regex.IsMatch(code, @"\b(var|let|const)\s*[\[{]")) return "destructuring assignments";
        if (Regex.IsMatch(code, @"\bfor\s*\(\s*(var|let|const)?\s*\w+\s+of\b")) return "for…of loops";
        if (Regex.IsMatch(code, @"\b(async|await|yield|import|export)\b")) return "async functions, generators and modules";
        return null;
    }

    [GeneratedRegex(@"[A-Za-z_$][\w$]*")]
    private static partial Regex Identifiers();

    [GeneratedRegex("""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""", RegexOptions.Singleline)]
    private static partial Regex StringsAndComments();
}
