using System.Globalization;
using Automation.Orders.Feed;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Add message to Feed: a post in the company feed about the order, to everyone or to chosen employees.
[Activity("Automation", "AddFeedMessage", Category = "Employees", DisplayName = "Add message to Feed", Description = "Posts a message in the company feed.")]
public sealed class AddFeedMessage : RuleActivity
{
    [Input(Description = "The post's title.")]
    public Input<string> PostTitle { get; init; } = new("");

    [Input(Description = "The message.", UIHint = UIHints.MultiLine, Required = true)]
    public Input<string> Message { get; init; } = new("");

    [Input(Description = "Who it is from (default: the order's responsible; none: the system).", OptionsProvider = "Employees")]
    public Input<long?> Author { get; init; } = new(null);

    [Input(Description = "Who it is for (none: everyone).", UIHint = UIHints.CheckList, OptionsProvider = "Employees")]
    public Input<long[]> Recipients { get; init; } = new([]);

    [Output(Description = "The post's id.")] public Output<long> PostId { get; init; } = new();
    [Output(Description = "Where the post is read: /api/feed/{id}.")] public Output<string> PostUrl { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var post = await rule.Feed.PostAsync(new NewFeedPost(rule.Get(PostTitle), rule.Get(Message), rule.Get(Author) ?? rule.Order.ResponsibleId,
            rule.Get(Recipients), rule.Order.Id), rule.CancellationToken);
        rule.Set(PostId, post.Id);
        rule.Set(PostUrl, "/api/feed/" + post.Id.ToString(CultureInfo.InvariantCulture));
    }
}
