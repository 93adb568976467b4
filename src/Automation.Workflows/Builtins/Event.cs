using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;

namespace Automation.Workflows.Builtins;

/// Waits until an event with this name is published (for this instance's correlation id, when it has one).
[Activity("Elsa", "Event", Category = "Primitives", Description = "Waits for an event with the given name.", Kind = ActivityKind.Trigger)]
public sealed class Event : Activity
{
    public const string TypeName = "Elsa.Event";

    [Input(Description = "The name of the event to wait for.", Required = true, IsMatchKey = true)]
    public Input<string> EventName { get; init; } = new("");

    [Output(Description = "The data the event carried.")]
    public Output<object?> Result { get; init; } = new();

    public override ValueTask ExecuteAsync(ActivityContext context)
    {
        // The event that started this run has happened already.
        if (context.IsTriggerOfWorkflow) return ValueTask.CompletedTask;
        context.CreateBookmark(new BookmarkRequest(TypeName, Payload(context.Get(EventName))));
        return ValueTask.CompletedTask;
    }

    public override ValueTask ResumeAsync(ActivityContext context)
    {
        context.Set(Result, context.ResumeInput);
        return ValueTask.CompletedTask;
    }

    public override IEnumerable<object> GetTriggerPayloads(ActivityContext context) => [Payload(context.Get(EventName))];

    /// The match payload for an event name, as publishers compute it too.
    public static object Payload(string eventName) => new { EventName = eventName };
}
