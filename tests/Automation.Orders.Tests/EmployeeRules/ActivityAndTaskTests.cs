using Automation.Orders.Activities;
using Automation.Orders.Employees;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Tasks;
using Automation.Orders.Tests.Fixtures;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.EmployeeRules;

public sealed class ActivityAndTaskTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Leaving_a_status_completes_only_the_activities_set_to_complete_on_leaving_it(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var activities = new CrmActivities(db, store.Clock);
        var call = await activities.CreateAsync(order.Id, new NewCrmActivity(CrmActivityKind.ToDo, "Call the buyer") { AutoCompleteStatus = "new" }, CancellationToken.None);
        var keep = await activities.CreateAsync(order.Id, new NewCrmActivity(CrmActivityKind.Meeting, "Fitting") { AutoCompleteStatus = "paid" }, CancellationToken.None);

        Assert.Equal(1, await activities.CompleteOnLeavingStatusAsync(order.Id, "new", CancellationToken.None));

        var open = await activities.ListForOrderAsync(order.Id, includeCompleted: false, CancellationToken.None);
        Assert.Equal([keep.Id], open.Select(a => a.Id));
        var done = await activities.GetAsync(call.Id, CancellationToken.None);
        Assert.Equal("the order left status 'new'", done.CompletedReason);
        Assert.Contains(await db.TimelineEntries.Where(e => e.OrderId == order.Id).ToListAsync(),
            e => e.Kind == TimelineKind.Activity && e.Text == "To-do 'Call the buyer' completed: the order left status 'new'");
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Activity_ending_before_it_starts_is_refused_naming_both_times(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var start = store.Clock.GetUtcNow().AddHours(2);

        var error = await Assert.ThrowsAsync<DomainException>(() => new CrmActivities(db, store.Clock).CreateAsync(order.Id,
            new NewCrmActivity(CrmActivityKind.Call, "Call") { StartAt = start, EndAt = start.AddHours(-1) }, CancellationToken.None));

        Assert.Equal("invalid_end", error.Code);
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Completing_a_task_raises_task_completed_once(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var clerk = await new EmployeeDirectory(db).CreateAsync(new NewEmployee("Clerk", "clerk@shop.test"), CancellationToken.None);
        var board = new TaskBoard(db, store.Clock);
        var task = await board.CreateAsync(new NewTask("Pack the order", clerk.Id) { OrderId = order.Id, Checklist = ["box", "", "label"] }, CancellationToken.None);

        await board.CompleteAsync(task.Id, clerk.Id, CancellationToken.None);
        await board.CompleteAsync(task.Id, clerk.Id, CancellationToken.None);

        await using var check = store.Db();
        var saved = await check.Tasks.SingleAsync();
        Assert.Equal((true, clerk.Id), (saved.IsCompleted, saved.ClosedById!.Value));
        Assert.Equal(["box", "label"], saved.Checklist.Select(c => c.Text));
        Assert.Single(await check.InboxEvents.Where(e => e.Type == EventTypes.TaskCompleted).ToListAsync());
    }
}
