using Automation.Orders.Activities;
using Automation.Orders.Employees;
using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Tasks;
using Automation.Orders.Tests.Fixtures;
using Automation.Orders.Timeline;
using Automation.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

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

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Tasks_are_filtered_in_the_query_by_auditor_responsible_employee_order_and_openness(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var order = await store.NewOrderAsync();
        await using var db = store.Db();
        var people = new EmployeeDirectory(db);
        var ann = (await people.CreateAsync(new NewEmployee("Ann", "ann@shop.test"), CancellationToken.None)).Id;
        var bob = (await people.CreateAsync(new NewEmployee("Bob", "bob@shop.test"), CancellationToken.None)).Id;
        var cid = (await people.CreateAsync(new NewEmployee("Cid", "cid@shop.test"), CancellationToken.None)).Id;
        var board = new TaskBoard(db, store.Clock);
        var pack = await board.CreateAsync(new NewTask("Pack", ann) { OrderId = order.Id, Auditors = [bob, cid] }, CancellationToken.None);
        var call = await board.CreateAsync(new NewTask("Call", bob) { Auditors = [cid] }, CancellationToken.None);
        var bill = await board.CreateAsync(new NewTask("Bill", cid) { OrderId = order.Id }, CancellationToken.None);
        await board.CompleteAsync(pack.Id, ann, CancellationToken.None);

        async Task<long[]> Ids(TaskFilter filter) =>
            [.. (await new TaskBoard(store.Db(), store.Clock).ListAsync(filter, new PageRequest(), CancellationToken.None)).Items.Select(t => t.Id)];

        Assert.Equal([call.Id, pack.Id], await Ids(new TaskFilter { AuditorId = cid }));
        Assert.Equal([pack.Id], await Ids(new TaskFilter { AuditorId = bob }));
        Assert.Empty(await Ids(new TaskFilter { AuditorId = ann }));
        Assert.Equal([call.Id], await Ids(new TaskFilter { AuditorId = cid, OpenOnly = true }));
        Assert.Equal([pack.Id], await Ids(new TaskFilter { AuditorId = cid, OrderId = order.Id }));
        Assert.Equal([call.Id], await Ids(new TaskFilter { ResponsibleId = bob }));
        Assert.Equal([call.Id, pack.Id], await Ids(new TaskFilter { EmployeeId = bob }));
        Assert.Equal([bill.Id], await Ids(new TaskFilter { EmployeeId = cid, OrderId = order.Id, OpenOnly = true }));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Auditors_of_tasks_made_before_the_task_auditors_migration_are_found_by_auditor(DatabaseProvider provider)
    {
        using var database = provider == DatabaseProvider.Sqlite ? TestDatabases.NewSqliteFile() : await TestDatabases.PostgresAsync();
        await using (var old = StoreDb.Create(database.ConnectionString, provider))
        {
            await old.GetService<IMigrator>().MigrateAsync("20261122000000_StoreEmployeeRules");
            old.Tasks.Add(new OrderTask { Title = "Old task", ResponsibleId = 1, Auditors = [2, 3] });
            await old.SaveChangesAsync();
        }

        await StoreDatabase.MigrateAsync(database.ConnectionString, provider, CancellationToken.None);

        await using var db = StoreDb.Create(database.ConnectionString, provider);
        var found = await new TaskBoard(db, TimeProvider.System).ListAsync(new TaskFilter { AuditorId = 3 }, new PageRequest(), CancellationToken.None);
        Assert.Equal(["Old task"], found.Items.Select(t => t.Title));
        Assert.Equal([2L, 3L], await db.TaskAuditors.OrderBy(a => a.EmployeeId).Select(a => a.EmployeeId).ToListAsync());
        SqliteConnection.ClearAllPools();
    }
}
