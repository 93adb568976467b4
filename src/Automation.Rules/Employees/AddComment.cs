using Automation.Orders.Timeline;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Add comment: adds a comment to the order's timeline.
[Activity("Automation", "AddComment", Category = "Employees", DisplayName = "Add comment", Description = "Adds a comment to the order.")]
public sealed class AddComment : RuleActivity
{
    [Input(Description = "The comment.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Text { get; init; } = new("");

    [Input(Description = "Who the comment is from (default: the rule).")]
    public Input<string> Author { get; init; } = new("");

    protected override ValueTask RunAsync(RuleContext rule)
    {
        var author = rule.Get(Author);
        rule.AddTimeline(TimelineKind.Comment, rule.Get(Text), author.Length > 0 ? author : rule.Title);
        return ValueTask.CompletedTask;
    }
}
