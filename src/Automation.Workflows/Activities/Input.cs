using Automation.Workflows.Expressions;

namespace Automation.Workflows.Activities;

/// An activity input: the expression stated in the workflow JSON, or the default when the JSON has none.
public abstract class Input
{
    /// The input's name (the property name), set when the activity is bound to its node.
    public string Name { get; internal set; } = "";
    public Expression? Expression { get; internal set; }
    public abstract Type ValueType { get; }
    public abstract object? DefaultObject { get; }
}

/// A typed activity input; read its value with <c>context.Get(input)</c>.
public sealed class Input<T>(T defaultValue) : Input
{
    public Input() : this(default!) { }

    public T Default { get; } = defaultValue;
    public override Type ValueType => typeof(T);
    public override object? DefaultObject => Default;
}

/// A typed activity output; set it with <c>context.Set(output, value)</c>.
public abstract class Output
{
    public string Name { get; internal set; } = "";
    /// The workflow variable the designer bound this output to (`memoryReference.id`), if any.
    public string? VariableId { get; internal set; }
    public abstract Type ValueType { get; }
}

public sealed class Output<T> : Output
{
    public override Type ValueType => typeof(T);
}
