using System.Reflection;
using System.Text.RegularExpressions;

namespace Automation.Server.Api;

/// Finds the .NET type a JSON path of a request body binds to (`$.items[0].price` on CreateOrderRequest → decimal), so
/// a binding error can say what the caller should have sent.
internal static partial class JsonPathTypes
{
    /// The reader names the type whose converter failed, which is the root or an object part-way down the path, so the
    /// path is walked from the named type starting at each of its steps until one walk gets through.
    public static Type? Resolve(string failedTypeName, string path)
    {
        var named = Type.GetType(failedTypeName) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.FullName?.StartsWith("Automation.", StringComparison.Ordinal) == true)
            .Select(a => a.GetType(failedTypeName)).FirstOrDefault(t => t is not null);
        if (named is null) return null;
        var steps = Step().Matches(path).ToList();
        for (var first = 0; first <= steps.Count; first++)
            if (Walk(named, steps.Skip(first)) is { } found) return found;
        return null;
    }

    private static Type? Walk(Type? type, IEnumerable<Match> steps)
    {
        foreach (var step in steps)
        {
            if (type is null) return null;
            type = step.Groups["index"].Success ? ElementType(type)
                : type.GetProperty(step.Groups["name"].Value, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType
                  ?? (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null);
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    [GeneratedRegex(@"\.(?<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?<index>\d+)\]|\['(?<name>[^']+)'\]")]
    private static partial Regex Step();
}
