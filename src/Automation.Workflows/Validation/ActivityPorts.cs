using System.Reflection;
using Automation.Workflows.Activities;
using Automation.Workflows.Builtins;
using Automation.Workflows.Descriptors;

namespace Automation.Workflows.Validation;

/// The outbound ports a connection may leave an activity from: its declared outcomes, plus any its settings create.
internal static class ActivityPorts
{
    /// Activities whose extra ports come from their settings rather than their class; a port name they accept.
    private static readonly Dictionary<Type, Func<string, bool>> DynamicPorts = new()
    {
        // One port per expected status code, e.g. "200" or "404".
        [typeof(SendHttpRequest)] = port => port.Length is > 0 and <= 3 && port.All(char.IsAsciiDigit),
    };

    /// Declared ports: the [FlowNode] outcomes, else `Done`, except for terminal activities that declare none.
    public static IReadOnlyList<string> Declared(ActivityType type) =>
        type.Attribute.IsTerminal && type.ClrType.GetCustomAttribute<FlowNodeAttribute>() is null ? [] : type.Outcomes;

    public static bool Accepts(ActivityType type, string port) =>
        Declared(type).Contains(port, StringComparer.Ordinal)
        || (DynamicPorts.TryGetValue(type.ClrType, out var accepts) && accepts(port));

    public static bool HasDynamicPorts(ActivityType type) => DynamicPorts.ContainsKey(type.ClrType);
}
