using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Nodes;
using Automation.Workflows.Activities;

namespace Automation.Workflows.Descriptors;

/// Every activity the engine can run, found by type name and version; the source of Studio's descriptors.
public sealed class ActivityRegistry
{
    private readonly FrozenDictionary<(string, int), ActivityType> _types;

    public ActivityRegistry(IEnumerable<Type> activityTypes)
    {
        var types = activityTypes.Distinct()
            .Select(t => new ActivityType(t, t.GetCustomAttribute<ActivityAttribute>(inherit: false)
                ?? throw new InvalidOperationException($"{t.Name} has no [Activity] attribute.")))
            .ToList();
        var duplicate = types.GroupBy(t => (t.TypeName, t.Version)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Two activity classes declare {duplicate.Key.TypeName} v{duplicate.Key.Version}.");
        _types = types.ToFrozenDictionary(t => (t.TypeName, t.Version));
        Types = types.OrderBy(t => t.Attribute.Category).ThenBy(t => t.TypeName).ToArray();
        Descriptors = Types.Select(ActivityDescriber.Describe).ToArray();
    }

    /// Every concrete activity class with an [Activity] attribute in the given assemblies.
    public static ActivityRegistry FromAssemblies(params Assembly[] assemblies) =>
        new(assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsClass: true } && typeof(Activity).IsAssignableFrom(t)
                        && t.GetCustomAttribute<ActivityAttribute>(inherit: false) is not null));

    public IReadOnlyList<ActivityType> Types { get; }
    public IReadOnlyList<ActivityDescriptor> Descriptors { get; }

    public ActivityType? Find(string typeName, int version) => _types.GetValueOrDefault((typeName, version));

    public bool Knows(string typeName) => Types.Any(t => t.TypeName == typeName);

    public IEnumerable<int> VersionsOf(string typeName) => Types.Where(t => t.TypeName == typeName).Select(t => t.Version);
}

/// Turns an activity class's attributes into the descriptor Studio reads.
internal static class ActivityDescriber
{
    public static ActivityDescriptor Describe(ActivityType type)
    {
        var a = type.Attribute;
        var explicitPorts = type.ClrType.GetCustomAttribute<FlowNodeAttribute>() is not null;
        return new ActivityDescriptor
        {
            TypeName = a.TypeName,
            Namespace = a.Namespace,
            Name = a.Name,
            Version = a.Version,
            Category = a.Category,
            DisplayName = a.DisplayName ?? Humanize(a.Name),
            Description = a.Description,
            Kind = a.Kind.ToString(),
            IsBrowsable = a.IsBrowsable,
            IsStart = a.IsStart,
            IsTerminal = a.IsTerminal,
            IsContainer = a.IsContainer,
            Ports = explicitPorts ? type.Outcomes.Select(o => new PortDescriptor(o, Humanize(o))).ToArray() : [],
            Inputs = type.Inputs.Select((p, i) => DescribeInput(p, i)).ToArray(),
            Outputs = type.Outputs.Select((p, i) => new OutputDescriptor
            {
                Name = p.Name,
                TypeName = TypeAliases.Of(p.ValueType),
                DisplayName = p.Attribute.DisplayName ?? Humanize(p.Name),
                Description = p.Attribute.Description,
                Order = i,
            }).ToArray(),
            CustomProperties = new JsonObject { ["Type"] = type.ClrType.FullName },
        };
    }

    private static InputDescriptor DescribeInput(InputProperty p, int index)
    {
        var attr = p.Attribute;
        var uiHint = attr.UIHint ?? DefaultHint(p.ValueType, attr);
        return new InputDescriptor
        {
            Name = p.Name,
            TypeName = TypeAliases.Of(p.ValueType),
            DisplayName = attr.DisplayName ?? Humanize(p.Name),
            Description = attr.Description,
            Order = attr.Order != 0 ? attr.Order : index,
            IsBrowsable = attr.IsBrowsable,
            IsWrapped = attr.IsWrapped,
            UiHint = uiHint,
            Category = attr.Category,
            DefaultValue = attr.DefaultValue,
            DefaultSyntax = attr.DefaultSyntax,
            IsRequired = attr.Required,
            UiSpecifications = UiSpecifications(uiHint, Choices(p.ValueType, attr), attr.OptionsProvider),
        };
    }

    private static string DefaultHint(Type type, InputAttribute attr)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(bool)) return UIHints.Checkbox;
        if (attr.Options is not null || attr.OptionsProvider is not null || t.IsEnum) return UIHints.Dropdown;
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return UIHints.DateTimePicker;
        if (TypeAliases.IsCollection(t)) return UIHints.MultiText;
        return UIHints.SingleLine;
    }

    private static string[]? Choices(Type type, InputAttribute attr)
    {
        if (attr.Options is not null) return attr.Options;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum ? Enum.GetNames(t) : null;
    }

    private static JsonObject? UiSpecifications(string uiHint, string[]? choices, string? provider)
    {
        if (choices is null && provider is null) return null;
        var items = new JsonArray((choices ?? []).Select(c => (JsonNode)new JsonObject { ["text"] = Humanize(c), ["value"] = c }).ToArray());
        // Every list names its provider (null for fixed choices), so the host finds the inputs it fills from the descriptor.
        return uiHint switch
        {
            UIHints.CheckList => new JsonObject { ["checkList"] = new JsonObject { ["items"] = items, ["isFlagsEnum"] = false }, ["providerName"] = provider },
            UIHints.RadioList => new JsonObject { ["radioList"] = new JsonObject { ["items"] = items }, ["providerName"] = provider },
            _ => new JsonObject
            {
                ["selectList"] = new JsonObject { ["items"] = items, ["isFlagsEnum"] = false },
                ["providerName"] = provider,
            },
        };
    }

    /// `SendHttpRequest` → `Send Http Request`.
    internal static string Humanize(string name)
    {
        var chars = new List<char>(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1])) chars.Add(' ');
            chars.Add(name[i]);
        }
        return new string(chars.ToArray());
    }
}
