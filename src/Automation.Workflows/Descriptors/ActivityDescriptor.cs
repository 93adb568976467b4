using System.Text.Json.Nodes;

namespace Automation.Workflows.Descriptors;

/// An activity as Elsa Studio reads it from `GET /descriptors/activities` (elsa-contract.md §2.3), field for field.
public sealed record ActivityDescriptor
{
    public required string TypeName { get; init; }
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public required int Version { get; init; }
    public required string Category { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public required IReadOnlyList<InputDescriptor> Inputs { get; init; }
    public required IReadOnlyList<OutputDescriptor> Outputs { get; init; }
    public required string Kind { get; init; }
    public bool RunAsynchronously { get; init; }
    public required IReadOnlyList<PortDescriptor> Ports { get; init; }
    public JsonObject CustomProperties { get; init; } = new();
    public JsonObject ConstructionProperties { get; init; } = new();
    public bool IsContainer { get; init; }
    public bool IsBrowsable { get; init; } = true;
    public bool IsStart { get; init; }
    public bool IsTerminal { get; init; }
}

public sealed record InputDescriptor
{
    public required string Name { get; init; }
    public required string TypeName { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public float Order { get; init; }
    public bool IsBrowsable { get; init; } = true;
    public bool IsSerializable { get; init; } = true;
    public bool IsSynthetic { get; init; }
    public bool IsWrapped { get; init; } = true;
    public required string UiHint { get; init; }
    public string? Category { get; init; }
    public object? DefaultValue { get; init; }
    public string DefaultSyntax { get; init; } = "Literal";
    public bool IsReadOnly { get; init; }
    public bool IsSensitive { get; init; }
    public bool AutoEvaluate { get; init; } = true;
    public JsonObject? UiSpecifications { get; init; }
    /// Not part of Elsa's descriptor; the validator's "missing required input" check reads it.
    public bool IsRequired { get; init; }
}

public sealed record OutputDescriptor
{
    public required string Name { get; init; }
    public required string TypeName { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public float Order { get; init; }
    public bool IsBrowsable { get; init; } = true;
    public bool IsSerializable { get; init; } = true;
    public bool IsSynthetic { get; init; }
}

public sealed record PortDescriptor(string Name, string DisplayName, string Type = "Flow", bool IsBrowsable = true);
