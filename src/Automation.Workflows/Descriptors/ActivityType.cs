using System.Reflection;
using Automation.Workflows.Activities;

namespace Automation.Workflows.Descriptors;

/// An activity class with its attributes read once: what the registry, the validator and the binder need.
public sealed class ActivityType
{
    private readonly Func<Activity> _factory;

    internal ActivityType(Type clrType, ActivityAttribute attribute)
    {
        ClrType = clrType;
        Attribute = attribute;
        Outcomes = clrType.GetCustomAttribute<FlowNodeAttribute>()?.Outcomes ?? ["Done"];
        Inputs = clrType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => typeof(Input).IsAssignableFrom(p.PropertyType))
            .Select(p => new InputProperty(p, p.GetCustomAttribute<InputAttribute>() ?? new InputAttribute()))
            .ToArray();
        Outputs = clrType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => typeof(Output).IsAssignableFrom(p.PropertyType))
            .Select(p => new OutputProperty(p, p.GetCustomAttribute<OutputAttribute>() ?? new OutputAttribute()))
            .ToArray();
        var constructor = clrType.GetConstructor(Type.EmptyTypes)
            ?? throw new InvalidOperationException($"Activity {clrType.Name} needs a public parameterless constructor.");
        _factory = () => (Activity)constructor.Invoke(null);
    }

    public Type ClrType { get; }
    public ActivityAttribute Attribute { get; }
    public string TypeName => Attribute.TypeName;
    public int Version => Attribute.Version;
    public ActivityKind Kind => Attribute.Kind;
    public IReadOnlyList<string> Outcomes { get; }
    public IReadOnlyList<InputProperty> Inputs { get; }
    public IReadOnlyList<OutputProperty> Outputs { get; }

    public Activity Create() => _factory();
}

public sealed record InputProperty(PropertyInfo Property, InputAttribute Attribute)
{
    public string Name => Property.Name;
    public Type ValueType => Property.PropertyType.GetGenericArguments()[0];
    public Input Get(Activity activity) => (Input)Property.GetValue(activity)!;
}

public sealed record OutputProperty(PropertyInfo Property, OutputAttribute Attribute)
{
    public string Name => Property.Name;
    public Type ValueType => Property.PropertyType.GetGenericArguments()[0];
    public Output Get(Activity activity) => (Output)Property.GetValue(activity)!;
}
