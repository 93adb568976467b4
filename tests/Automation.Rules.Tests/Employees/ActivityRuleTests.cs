using Automation.Orders.Activities;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;
using Automation.Rules.Tests.Support;

namespace Automation.Rules.Tests.Employees;

public sealed class ActivityRuleTests
{
    private const string Log = "Automation.WriteToLog";

    private static async Task<List<CrmActivity>> ActivitiesAsync(RulesHarness h, long orderId)
    {
        await using var db = h.Store();
        return [.. await new CrmActivities(db, h.Clock).ListForOrderAsync(orderId, includeCompleted: true, CancellationToken.None)];
    }

    [Fact]
    public async Task Activity_is_a_todo_for_the_responsible_completed_when_the_order_leaves_the_status()
    {
        await using var h = await RulesHarness.StartAsync();
        var clerk = await h.EmployeeAsync("Clerk");
        await h.PublishStatusAsync("new", 100,
            [
                ("todo", "Automation.CreateActivity", new { Subject = Flow.Liquid("Call {{ Order.Client.Name }}"), DueInHours = 24 }),
                ("log", Log, new { Text = Flow.Liquid("to-do {{ Activities.todo.ActivityId }}") }),
            ],
            ["start->todo", "todo->log"]);
        await h.PublishStatusAsync("paid", 200, [], []);
        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        var todo = Assert.Single(await ActivitiesAsync(h, order.Id));
        Assert.Equal((CrmActivityKind.ToDo, "Call Ann Buyer", clerk.Id, h.Clock.GetUtcNow().AddHours(24), false),
            (todo.Kind, todo.Subject, todo.ResponsibleId!.Value, todo.EndAt!.Value, todo.IsCompleted));
        Assert.Contains($"to-do {todo.Id}", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));

        await h.Pipeline.MoveAsync(order.Id, "paid", StatusCause.Person("manager"));

        var done = Assert.Single(await ActivitiesAsync(h, order.Id));
        Assert.True(done.IsCompleted);
        Assert.Contains("To-do 'Call Ann Buyer' completed: the order left status 'new'", await h.TimelineTextsAsync(order.Id, TimelineKind.Activity));
    }

    [Fact]
    public async Task Activity_without_auto_complete_stays_open_after_the_order_moves()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("todo", "Automation.CreateActivity", new { Subject = "Check stock", AutoComplete = false })], ["start->todo"]);
        await h.PublishStatusAsync("paid", 200, [], []);
        var order = await h.CreateOrderAsync();

        await h.Pipeline.MoveAsync(order.Id, "paid", StatusCause.Person("manager"));

        Assert.False(Assert.Single(await ActivitiesAsync(h, order.Id)).IsCompleted);
    }

    [Fact]
    public async Task Schedule_a_call_and_a_meeting_put_them_in_the_responsibles_calendar()
    {
        await using var h = await RulesHarness.StartAsync();
        var clerk = await h.EmployeeAsync("Clerk");
        var start = h.Clock.GetUtcNow().AddDays(1);
        await h.PublishStatusAsync("new", 100,
            [
                ("call", "Automation.ScheduleCall", new { Subject = "Confirm the address", StartInHours = 2, ReminderMinutes = 10 }),
                ("meet", "Automation.ScheduleMeeting", new { Subject = "Fitting", Start = start, DurationMinutes = 90, Important = true }),
            ],
            ["start->call", "start->meet"]);
        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        var activities = await ActivitiesAsync(h, order.Id);
        var call = Assert.Single(activities, a => a.Kind == CrmActivityKind.Call);
        var meeting = Assert.Single(activities, a => a.Kind == CrmActivityKind.Meeting);
        var now = h.Clock.GetUtcNow();
        Assert.Equal((now.AddHours(2), now.AddHours(2).AddMinutes(30), 10, clerk.Id), (call.StartAt!.Value, call.EndAt!.Value, call.ReminderMinutes!.Value, call.ResponsibleId!.Value));
        Assert.Equal((start, start.AddMinutes(90), true), (meeting.StartAt!.Value, meeting.EndAt!.Value, meeting.IsImportant));
    }

    [Fact]
    public async Task Scheduled_call_without_a_start_fails_with_a_message_naming_the_setting()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("new", 100, [("call", "Automation.ScheduleCall", new { Subject = "Call" })], ["start->call"]);
        var order = await h.CreateOrderAsync();

        Assert.Contains(await h.TimelineTextsAsync(order.Id, TimelineKind.Error), t => t.Contains("'start' is missing; set 'start' or 'startInHours'"));
    }
}
