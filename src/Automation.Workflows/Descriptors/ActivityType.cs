using System.Reflection;
using System.Text.Json.Nodes;
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

    /// The outputs one activity of this type has: the declared ones, then one per value of its inputs that name
    /// outputs (e.g. the fields chosen in Read list item), when those are written as constants.
    public IReadOnlyList<string> OutputNamesOf(JsonObject activity)
    {
        var names = Outputs.Select(o => o.Name).ToList();
        foreach (var input in Inputs.Where(i => i.Attribute.NamesOutputs))
        {
            var camel = char.ToLowerInvariant(input.Name[0]) + input.Name[1..];
            var json = activity[camel] ?? activity[input.Name];
            var expression = json is JsonObject wrapper && wrapper.ContainsKey("expression") ? wrapper["expression"] as JsonObject : null;
            var type = expression?["type"]?.GetValue<string>();
            if (expression is not null && type is not ("Literal" or "Object" or "Json")) continue;
            foreach (var name in Model.SettingValues.Named(expression is null ? json : expression["value"]))
                if (!names.Contains(name, StringComparer.Ordinal)) names.Add(name);
        }
        return names;
    }
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
