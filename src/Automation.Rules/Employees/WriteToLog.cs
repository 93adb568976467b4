using Automation.Orders.Timeline;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Write to log: adds a log line to the order's timeline.
[Activity("Automation", "WriteToLog", Category = "Employees", DisplayName = "Write to log", Description = "Adds a line to the order's timeline.")]
public sealed class WriteToLog : RuleActivity
{
    [Input(Description = "The text to log.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Text { get; init; } = new("");

    protected override ValueTask RunAsync(RuleContext rule)
    {
        rule.AddTimeline(TimelineKind.Log, rule.Get(Text), rule.Title);
        return ValueTask.CompletedTask;
    }
}
