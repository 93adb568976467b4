using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Rules.Conditions;
using Automation.Rules.Pipeline;
using Automation.Workflows.Activities;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Rules;

/// Base of every automation rule: the common rule options (title, delay, condition) and how they run, as Bitrix24
/// runs them: wait the delay first (durably), then evaluate the condition against the order, then run the rule.
/// A rule whose condition fails completes without running and its journal says why.
public abstract class RuleActivity : Activity
{
    public const string RuleCategory = "Rule";

    [Input(Category = RuleCategory, Description = "Renames the rule card.")]
    public Input<string> Title { get; init; } = new("");

    [Input(Category = RuleCategory, UIHint = UIHints.JsonEditor,
        Description = "When the rule runs: {kind: Immediately|After|BeforeOrAfterField|AtTime, value, unit: Minutes|Hours|Days, field, at}.")]
    public Input<RuleDelay?> Delay { get; init; } = new(null);

    [Input(Category = RuleCategory, UIHint = UIHints.JsonEditor,
        Description = "Field conditions evaluated after the delay: {items: [{field, operator, value, joiner: AND|OR}]}.")]
    public Input<ConditionGroup?> Condition { get; init; } = new(null);

    /// What the rule does once its delay has passed and its condition holds.
    protected abstract ValueTask RunAsync(RuleContext rule);

    public sealed override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var title = TitleOf(context);
        context.Journal("title", title);
        var delay = context.Get(Delay);
        var order = await LoadOrderAsync(context);
        var now = context.Clock.GetUtcNow();
        var planned = delay?.PlannedAt(now, order);
        context.Journal("delay", new JsonObject
        {
            ["setting"] = delay?.ToString() ?? "immediately",
            ["plannedAt"] = (planned ?? now).ToString("O", CultureInfo.InvariantCulture),
        });
        if (planned is { } at && at > now)
        {
            context.State["plannedAt"] = at.ToString("O", CultureInfo.InvariantCulture);
            context.CreateBookmark(new BookmarkRequest(Node.Type, new { ActivityId = Id, ResumeAt = at }, at));
            return;
        }
        await RunWhenConditionHoldsAsync(context, order, title);
    }

    /// Called when what the rule waits for through <see cref="RuleContext.WaitFor"/> has happened; the event's data
    /// is <c>rule.Activity.ResumeInput</c>.
    protected virtual ValueTask ResumedAsync(RuleContext rule) => ValueTask.CompletedTask;

    public sealed override async ValueTask ResumeAsync(ActivityContext context)
    {
        if (context.ResumedBookmark?.Name == RuleWait.TypeName)
        {
            await ResumedAsync(new RuleContext(context, context.Work.Db<StoreDb>(), await LoadOrderAsync(context), TitleOf(context)));
            return;
        }
        var title = TitleOf(context);
        context.Journal("title", title);
        context.Journal("delay", new JsonObject { ["plannedAt"] = context.State["plannedAt"]?.DeepClone(), ["waited"] = true });
        await RunWhenConditionHoldsAsync(context, await LoadOrderAsync(context), title);
    }

    private async ValueTask RunWhenConditionHoldsAsync(ActivityContext context, Order order, string title)
    {
        var verdict = ConditionEvaluator.Evaluate(context.Get(Condition), field => OrderFields.Read(order, field));
        context.Journal("condition", verdict.ToJson());
        if (!verdict.Passed)
        {
            context.Journal("skipped", new JsonObject { ["reason"] = $"condition not met: {verdict.Describe()}", ["compared"] = verdict.ToJson()["compared"]!.DeepClone() });
            return;
        }
        var db = context.Work.Db<StoreDb>();
        RuleMetrics.Runs.Add(1, RuleMetrics.Type(Node.Type));
        try
        {
            await RunAsync(new RuleContext(context, db, order, title));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            RuleMetrics.Failures.Add(1, RuleMetrics.Type(Node.Type));
            // The engine journals the fault; the order's timeline shows it to the store manager too.
            RuleTimeline.Add(db, context.Clock, order.Id, TimelineKind.Error, $"Rule '{title}' failed: {error.Message}", null,
                new { activityId = Id, type = Node.Type, error = error.Message });
            throw;
        }
    }

    private string TitleOf(ActivityContext context) =>
        context.Get(Title) is { Length: > 0 } title ? title : Node.Name is { Length: > 0 } name ? name : Node.Type;

    /// The order this instance runs for (its correlation id), tracked by the step's StoreDb.
    internal static async Task<Order> LoadOrderAsync(ActivityContext context)
    {
        if (!long.TryParse(context.Instance.CorrelationId, NumberStyles.None, CultureInfo.InvariantCulture, out var orderId))
            throw new InvalidOperationException($"A rule runs for an order, but this workflow's correlation id '{context.Instance.CorrelationId}' is not an order id.");
        // Rules of one step (and of one unit of work) share the order loaded first, with the changes made to it so far.
        return await new OrderBook(context.Work.Db<StoreDb>(), context.Clock).FindAsync(orderId, context.CancellationToken)
            ?? throw Automation.Orders.DomainException.OrderNotFound(orderId);
    }
}
