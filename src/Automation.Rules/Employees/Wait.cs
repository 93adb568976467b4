using System.Text.Json.Serialization;
using Automation.Orders.Activities;
using Automation.Orders.Timeline;
using Automation.Rules.Conditions;
using Automation.Rules.Pipeline;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Wait (Bitrix24 "Wait"): a waiting marker on the order's timeline for the responsible, for N days or until N days
/// before an order date field. The client's next activity (an email, a call, a form, a chat message, a visit)
/// completes it; otherwise its end does and the responsible is notified. Like the product, the rule itself completes
/// at once; our extension "Pause following rules" holds the rules after it until the client's next activity (or the end).
[Activity("Automation", "Wait", Category = "Employees", DisplayName = "Wait", Description = "Waits for the client's reply for some days.")]
public sealed class Wait : RuleActivity
{
    [Input(Description = "After N days, or N days before a date field of the order.")]
    public Input<WaitKind> Kind { get; init; } = new(WaitKind.AfterDays);

    [Input(Description = "How many days.")]
    public Input<int> Days { get; init; } = new(1);

    [Input(Description = "For BeforeDateField: the order's date field, e.g. a custom field 'deliveryDate'.")]
    public Input<string> DateField { get; init; } = new("");

    [Input(Description = "What the responsible waits for.", UIHint = UIHints.MultiLine)]
    public Input<string> Description { get; init; } = new("");

    [Input(Description = "No: the rules after this one go on at once (as in Bitrix24). Otherwise they wait for the client's next activity, until the end or without end.")]
    public Input<WaitPause> PauseFollowingRules { get; init; } = new(WaitPause.No);

    [Output(Description = "The waiting marker's id (GET /api/activities/{id}).")] public Output<long> WaitId { get; init; } = new();
    [Output(Description = "With a pause: 'client activity' (with the event type) or 'end'.")] public Output<string> EndedBy { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var days = rule.Get(Days);
        if (days < 1) throw Orders.DomainException.Invalid("days", $"is {days}; it must be at least 1");
        var now = rule.Clock.GetUtcNow();
        DateTimeOffset end;
        if (rule.Get(Kind) == WaitKind.BeforeDateField)
        {
            var field = rule.Get(DateField)?.Trim() ?? "";
            if (field.Length == 0) throw Orders.DomainException.Invalid("dateField", "is required when the kind is 'BeforeDateField'");
            if (OrderFields.Date(rule.Order, field) is not { } date)
            {
                Failed(rule, $"the order has no date in field '{field}'");
                return;
            }
            end = date.AddDays(-days);
            if (end <= now)
            {
                Failed(rule, $"{days} day(s) before '{field}' ({date:yyyy-MM-dd}) is already past");
                return;
            }
        }
        else end = now.AddDays(days);

        var description = rule.Get(Description)?.Trim();
        var subject = description is { Length: > 0 } ? await rule.RenderAsync(description) : "Waiting for the client";
        var marker = await new WaitMarkers(rule.Db, rule.Clock).CreateAsync(rule.Order.Id, rule.Order.ResponsibleId, subject, null, end, rule.CancellationToken);
        rule.Set(WaitId, marker.Id);
        if (rule.Activity.Services.GetService(typeof(IWaitEndTimers)) is IWaitEndTimers timers)
            rule.Work.AfterCommit(ct => timers.ScheduleAsync(marker.Id, end, ct));

        var pause = rule.Get(PauseFollowingRules);
        if (pause == WaitPause.No) return;
        rule.WaitFor(RuleWait.ClientActivity);
        if (pause == WaitPause.UntilClientActivityOrEnd) rule.Activity.CreateBookmark(RuleWait.Timeout(RuleWait.ClientActivity, end));
    }

    protected override ValueTask ResumedAsync(RuleContext rule)
    {
        var byTimer = rule.Activity.ResumedBookmark?.ResumeAt is not null;
        var eventType = rule.Activity.ResumeInput?["eventType"]?.GetValue<string>();
        rule.Set(EndedBy, byTimer ? "end" : $"client activity ({eventType})");
        return ValueTask.CompletedTask;
    }

    /// The marker cannot be placed: the run log and the timeline say why, and the status's other rules go on.
    private static void Failed(RuleContext rule, string reason)
    {
        rule.Activity.Journal("error", reason);
        rule.AddTimeline(TimelineKind.Error, $"Rule '{rule.Title}' placed no waiting marker: {reason}", rule.Title, new { activityId = rule.Activity.ActivityId, reason });
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<WaitKind>))]
public enum WaitKind { AfterDays, BeforeDateField }

[JsonConverter(typeof(JsonStringEnumConverter<WaitPause>))]
public enum WaitPause { No, UntilClientActivityOrEnd, UntilClientActivity }
