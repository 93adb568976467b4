using System.Text.Json;
using Automation.Orders.Activities;
using Automation.Orders.Clients;
using Automation.Orders.Counters;
using Automation.Orders.Documents;
using Automation.Orders.Employees;
using Automation.Orders.Feed;
using Automation.Orders.Lists;
using Automation.Orders.Notifications;
using Automation.Orders.Orders;
using Automation.Orders.Outbox;
using Automation.Orders.Persistence;
using Automation.Orders.Tasks;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;
using Automation.Workflows.Activities;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;

namespace Automation.Rules.Rules;

/// What a rule works with: the order (tracked by the step's StoreDb), the store services on that same context, its
/// inputs and outputs. Everything it changes commits with the step.
public sealed class RuleContext
{
    internal RuleContext(ActivityContext activity, StoreDb db, Order order, string title)
    {
        Activity = activity;
        Db = db;
        Order = order;
        Title = title;
        Orders = new OrderBook(db, activity.Clock);
        Timeline = new OrderTimeline(db, activity.Clock);
        Notifications = new EmployeeNotifications(db, activity.Clock);
        Employees = new EmployeeDirectory(db);
        Counters = new CodeCounters(db);
    }

    public ActivityContext Activity { get; }
    public StoreDb Db { get; }
    public Order Order { get; }
    public string Title { get; }
    public OrderBook Orders { get; }
    public OrderTimeline Timeline { get; }
    public EmployeeNotifications Notifications { get; }
    public EmployeeDirectory Employees { get; }
    public CodeCounters Counters { get; }
    public StepUnitOfWork Work => Activity.Work;
    public TimeProvider Clock => Activity.Clock;
    public CancellationToken CancellationToken => Activity.CancellationToken;

    public ClientDirectory Clients => new(Db, Clock);
    public OrderPeople People => new(Db);
    public CrmActivities CrmActivities => new(Db, Clock);
    public CompanyFeed Feed => new(Db, Clock);
    public UserLists Lists => new(Db, Clock);
    public CrmDocuments Documents => new(Db, Clock);
    public EmployeeMessageOutbox Outbox => new(Db, Clock);
    public TaskBoard Tasks => new(Db, Clock);

    /// Identifies this rule (its workflow and activity), e.g. for the round-robin it remembers.
    public string RuleKey => $"{Activity.Instance.DefinitionId}:{Activity.ActivityId}";

    public T Get<T>(Input<T> input) => Activity.Get(input);

    /// Fills a text's `{{ Order.… }}` and `{{ Activities.… }}` placeholders, with the order as it is now.
    public async Task<string> RenderAsync(string text, bool html = false) =>
        await RuleText.RenderAsync(this, text, html);

    /// Suspends the rule (and the rules after it) until the store raises an event with this wait key.
    public void WaitFor(string waitKey) => Activity.CreateBookmark(RuleWait.Bookmark(waitKey));

    /// The rule cannot do its work (the list item is gone, the order is paid): it completes without doing it, and the
    /// run log and the order's timeline say why, so the status's other rules go on.
    public void NothingToDo(string reason)
    {
        Activity.Journal("nothingDone", reason);
        AddTimeline(TimelineKind.Log, $"Rule '{Title}' did nothing: {reason}", Title, new { activityId = Activity.ActivityId, reason });
    }

    public void Set<T>(Output<T> output, T value) => Activity.Set(output, value);

    /// A host service (e.g. the order pipeline); throws naming the service when the host did not register it.
    public T Service<T>() where T : class =>
        Activity.Services.GetService(typeof(T)) as T ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered with the workflow engine's services.");

    /// Adds a timeline entry that commits with the step (not before it).
    public TimelineEntry AddTimeline(TimelineKind kind, string text, string? author = null, object? data = null) =>
        RuleTimeline.Add(Db, Clock, Order.Id, kind, text, author, data);
}

/// Timeline entries staged in a StoreDb so they commit with the unit of work that caused them.
internal static class RuleTimeline
{
    public static TimelineEntry Add(StoreDb db, TimeProvider clock, long orderId, TimelineKind kind, string text, string? author, object? data)
    {
        var entry = new TimelineEntry
        {
            OrderId = orderId,
            Kind = kind,
            Text = text,
            Author = author,
            At = clock.GetUtcNow(),
            Data = data is null ? "{}" : JsonSerializer.Serialize(data, data.GetType(), JsonSerializerOptions.Web),
        };
        db.Append(entry); // only ever inserted: staged without change tracking
        return entry;
    }
}
