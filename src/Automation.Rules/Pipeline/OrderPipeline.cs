using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Automation.Orders;
using Automation.Orders.Activities;
using Automation.Orders.Orders;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Automation.Rules.Rules;
using Automation.Rules.Triggers;
using Automation.Workflows.Persistence;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Pipeline;

/// The order pipeline (DESIGN.md §4): statuses in order, and entering a status in one unit of work: cancel the
/// previous status's instance, set and record the status, start the new status's workflow for the order.
public sealed class OrderPipeline(WorkflowEngine engine, TimeProvider clock, PipelineOptions? options = null)
{
    /// Timeline author of status changes made by the order's own rules; the loop guard counts these.
    public const string RuleAuthor = "automation rule";

    private readonly PipelineOptions _options = options ?? new PipelineOptions();
    private volatile PublishedPipeline? _published;
    // What each open unit of work has seen, so that one event's processing reads the published set once.
    private readonly ConditionalWeakTable<StepUnitOfWork, PublishedPipeline> _perUnit = new();

    public WorkflowEngine Engine => engine;

    /// Published status workflows, ordered by sort (then code).
    public async Task<IReadOnlyList<OrderStatus>> ListStatusesAsync(CancellationToken ct = default) => (await PublishedAsync(null, ct)).Statuses;

    /// The published pipeline: one light query for the published version ids (once per unit of work when given one);
    /// statuses and their triggers are read from the compiled versions once per published set and kept until a
    /// different set is published.
    internal async Task<PublishedPipeline> PublishedAsync(StepUnitOfWork? work, CancellationToken ct)
    {
        if (work is not null && _perUnit.TryGetValue(work, out var seen)) return seen;
        var published = (await engine.PublishedVersionsAsync(work, ct)).OrderBy(d => d.DefinitionId, StringComparer.Ordinal).ToList();
        var key = string.Join('|', published.Select(p => p.VersionId));
        if (_published is not { } current || current.Key != key)
        {
            var workflows = new List<(OrderStatus Status, CompiledWorkflow Workflow)>();
            foreach (var (definitionId, versionId) in published)
            {
                var workflow = await engine.Definitions.GetVersionAsync(versionId, work, ct);
                if (OrderStatus.Read(workflow.Definition.CustomProperties, definitionId) is { } status) workflows.Add((status, workflow));
            }
            current = new PublishedPipeline(key, workflows.OrderBy(w => w.Status.Sort).ThenBy(w => w.Status.Code, StringComparer.Ordinal).ToList());
            _published = current;
        }
        if (work is not null) _perUnit.AddOrUpdate(work, current);
        return current;
    }

    /// Creates the order in the first status and starts that status's rules; one commit.
    public async Task<Order> CreateOrderAsync(NewOrder request, CancellationToken ct = default)
    {
        var first = (await ListStatusesAsync(ct)).FirstOrDefault()
            ?? throw new DomainException("no_statuses", "No order status workflow is published; publish a workflow with customProperties.orderStatus.");
        await using var work = await engine.Database.BeginAsync(ct);
        var db = work.Db<StoreDb>();
        var order = await new OrderBook(db, clock).CreateAsync(request with { Status = first.Code }, ct);
        await engine.StartAsync(work, new StartWorkflow(first.DefinitionId, OrderIdText(order.Id), StartInput(null, first.Code, "order created")), ct);
        await work.CommitAsync(ct);
        return order;
    }

    /// Moves the order as a person or the API would; one commit.
    public async Task<StatusMove> MoveAsync(long orderId, string statusCode, StatusCause cause, CancellationToken ct = default)
    {
        await using var work = await engine.Database.BeginAsync(ct);
        var move = await EnterStatusAsync(work, orderId, statusCode, cause, ct);
        await work.CommitAsync(ct);
        return move;
    }

    /// Enters a status inside the caller's unit of work. Unknown status codes are a DomainException naming the code.
    public async Task<StatusMove> EnterStatusAsync(StepUnitOfWork work, long orderId, string statusCode, StatusCause cause, CancellationToken ct = default)
    {
        var statuses = (await PublishedAsync(work, ct)).Statuses;
        var target = statuses.FirstOrDefault(s => s.Code == statusCode.Trim())
            ?? throw DomainException.Invalid("status", $"'{statusCode}' is not a published order status (known: {string.Join(", ", statuses.Select(s => s.Code))})");
        var db = work.Db<StoreDb>();
        await RowLocks.LockOrderAsync(db, orderId, ct);
        var order = await new OrderBook(db, clock).FindAsync(orderId, ct) ?? throw DomainException.OrderNotFound(orderId);
        var from = order.Status;
        if (cause.Kind == StatusCauseKind.Rule && await RuleMovesInWindowAsync(db, orderId, ct) >= _options.MaxRuleMoves)
        {
            var reason = $"Loop guard: more than {_options.MaxRuleMoves} status changes by rules within {_options.Window}; {cause} did not move the order from '{from}' to '{target.Code}'.";
            RuleTimeline.Add(db, clock, orderId, TimelineKind.Error, reason, RuleAuthor, new { from, to = target.Code, loopGuard = true });
            return new StatusMove(orderId, from, target.Code, Moved: false, reason);
        }

        await CancelRunningAsync(work, orderId, cause, $"the order left status '{from}' for '{target.Code}'", statuses, ct);
        await new CrmActivities(db, clock).CompleteOnLeavingStatusAsync(orderId, from, ct);
        var now = clock.GetUtcNow();
        order.Status = target.Code;
        order.StatusChangedAt = now;
        order.UpdatedAt = now;
        RuleTimeline.Add(db, clock, orderId, TimelineKind.StatusChange, $"Status changed from '{from}' to '{target.Code}' ({cause})",
            cause.Kind == StatusCauseKind.Rule ? RuleAuthor : cause.Actor, new { from, to = target.Code, cause = cause.Kind.ToString(), actor = cause.Actor });
        var started = await engine.StartAsync(work, new StartWorkflow(target.DefinitionId, OrderIdText(orderId), StartInput(from, target.Code, cause.ToString())), ct);
        return new StatusMove(orderId, from, target.Code, Moved: true, InstanceId: started.InstanceId);
    }

    /// Deletes an unpaid order (the "Delete CRM record" rule) after cancelling every workflow still running for it,
    /// the caller's own instance included. A paid order is refused with a DomainException.
    public async Task DeleteOrderAsync(StepUnitOfWork work, long orderId, StatusCause cause, CancellationToken ct = default)
    {
        var db = work.Db<StoreDb>();
        var order = await db.Orders.Include(o => o.Payments).FirstOrDefaultAsync(o => o.Id == orderId, ct) ?? throw DomainException.OrderNotFound(orderId);
        if (order.IsPaid || order.Payments.Any(p => p.Paid)) throw new DomainException("order_paid", $"Order {order.Number} is paid and may not be deleted.");
        await CancelRunningAsync(work, orderId, cause, $"order {order.Number} was deleted by {cause}", statuses: null, ct);
        await new OrderBook(db, clock).DeleteAsync(orderId, ct);
    }

    /// Cancels the order's unfinished instances of status workflows (or of any workflow when statuses is null) with
    /// their bookmarks and timers, and the rule's own running instance in place when a rule causes the move. Reusable
    /// workflows started by "Run workflow" are not rules of a status and go on when the order moves.
    private async Task CancelRunningAsync(StepUnitOfWork work, long orderId, StatusCause cause, string reason, IReadOnlyList<OrderStatus>? statuses,
        CancellationToken ct)
    {
        var definitions = statuses?.Select(s => s.DefinitionId).ToHashSet(StringComparer.Ordinal);
        var ids = (await engine.OpenInstancesAsync(work, OrderIdText(orderId), ct))
            .Where(i => definitions is null || definitions.Contains(i.DefinitionId)).Select(i => i.InstanceId).ToList();
        if (cause.InstanceId is { } own && !ids.Contains(own)) ids.Add(own);
        foreach (var id in ids) await engine.CancelAsync(work, id, reason, ct);
    }

    /// Status changes by rules within the window, committed or staged in this unit of work.
    private async Task<int> RuleMovesInWindowAsync(StoreDb db, long orderId, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - _options.Window;
        var staged = db.Appended<TimelineEntry>().Count(e => IsRuleMove(e, orderId, since))
            + db.TrackedWithoutDetecting<TimelineEntry>().Count(e => e.State == EntityState.Added && IsRuleMove(e.Entity, orderId, since));
        var committed = await db.TimelineEntries.AsNoTracking().CountAsync(e => e.OrderId == orderId && e.Kind == TimelineKind.StatusChange
            && e.Author == RuleAuthor && e.At >= since, ct);
        return staged + committed;
    }

    private static bool IsRuleMove(TimelineEntry e, long orderId, DateTimeOffset since) =>
        e.OrderId == orderId && e.Kind == TimelineKind.StatusChange && e.Author == RuleAuthor && e.At >= since;

    private static JsonObject StartInput(string? from, string to, string cause) => new() { ["from"] = from, ["to"] = to, ["cause"] = cause };

    public static string OrderIdText(long orderId) => orderId.ToString(CultureInfo.InvariantCulture);

}

/// The statuses of one published set, in pipeline order, with each status's triggers.
internal sealed class PublishedPipeline(string key, IReadOnlyList<(OrderStatus Status, CompiledWorkflow Workflow)> workflows)
{
    private readonly Dictionary<string, IReadOnlyList<(int Index, OrderStatus Status, OrderTrigger Trigger)>> _triggers =
        workflows.SelectMany((w, index) => w.Workflow.Activities.OfType<OrderTrigger>().Select(t => (Index: index, w.Status, Trigger: t)))
            .GroupBy(t => t.Trigger.EventType, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(int, OrderStatus, OrderTrigger)>)g.ToList(), StringComparer.Ordinal);

    public string Key { get; } = key;
    public IReadOnlyList<OrderStatus> Statuses { get; } = workflows.Select(w => w.Status).ToList();

    /// The triggers listening to an event type, with their status's position in the pipeline, earliest first.
    public IReadOnlyList<(int Index, OrderStatus Status, OrderTrigger Trigger)> TriggersFor(string eventType) =>
        _triggers.GetValueOrDefault(eventType) ?? [];
}
