namespace Automation.Workflows.Activities;

/// What an activity is, for the designer's palette, the validator and the runtime: declared once, on the class.
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string @namespace, string name) : Attribute
{
    public string Namespace { get; } = @namespace;
    public string Name { get; } = name;
    public string TypeName => $"{Namespace}.{Name}";
    public int Version { get; init; } = 1;
    public string Category { get; init; } = "Miscellaneous";
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public ActivityKind Kind { get; init; } = ActivityKind.Action;
    public bool IsBrowsable { get; init; } = true;
    /// True when the node has no inbound port (e.g. `Elsa.Start`).
    public bool IsStart { get; init; }
    /// True when the node has no default `Done` port and completing it ends the flowchart (e.g. `Elsa.End`).
    public bool IsTerminal { get; init; }
    public bool IsContainer { get; init; }
}

/// The outcomes (output ports) an activity completes with; without it the activity has the single port `Done`.
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class FlowNodeAttribute(params string[] outcomes) : Attribute
{
    public IReadOnlyList<string> Outcomes { get; } = outcomes;
}

/// An input of an activity: how Studio edits it and how the validator checks it.
[AttributeUsage(AttributeTargets.Property)]
public sealed class InputAttribute : Attribute
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public string? UIHint { get; init; }
    public string? Category { get; init; }
    /// Fixed choices for dropdown, radio list or check list hints.
    public string[]? Options { get; init; }
    /// Name of an options provider for choices that come from the database (employees, statuses, …).
    public string? OptionsProvider { get; init; }
    public object? DefaultValue { get; init; }
    public string DefaultSyntax { get; init; } = "Literal";
    public bool Required { get; init; }
    public float Order { get; init; }
    public bool IsBrowsable { get; init; } = true;
    /// False for inputs stored as a raw JSON value rather than an `{typeName, expression}` wrapper.
    public bool IsWrapped { get; init; } = true;
    /// Part of the match payload of a trigger or bookmark (and so of its hash).
    public bool IsMatchKey { get; init; }
    /// Each value of this input is also an output of that name (Read list item's fields): per-activity outputs.
    public bool NamesOutputs { get; init; }
    /// The activity fills `{{…}}` placeholders of its own in this text (Generate code's `{{counter:00000}}`). As a
    /// Liquid expression they would be rendered to nothing before the activity saw them, so the validator refuses that.
    public bool OwnPlaceholders { get; init; }
}

/// An output of an activity that later activities read as `Activities.&lt;id or name&gt;.&lt;Output&gt;`.
[AttributeUsage(AttributeTargets.Property)]
public sealed class OutputAttribute : Attribute
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
}

public enum ActivityKind { Action, Trigger, Job, Task }

/// UI hints understood by Elsa Studio 3.8.
public static class UIHints
{
    public const string SingleLine = "singleline";
    public const string MultiLine = "multiline";
    public const string Checkbox = "checkbox";
    public const string CheckList = "checklist";
    public const string RadioList = "radiolist";
    public const string Dropdown = "dropdown";
    public const string DateTimePicker = "datetime-picker";
    public const string CodeEditor = "code-editor";
    public const string JsonEditor = "json-editor";
    public const string Dictionary = "dictionary";
    public const string MultiText = "multitext";
    public const string VariablePicker = "variable-picker";
    public const string OutcomePicker = "outcome-picker";
    public const string WorkflowDefinitionPicker = "workflow-definition-picker";
}
