using Automation.Orders.Documents;
using Automation.Orders.Events;
using Automation.Orders.Tasks;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;
using Automation.Rules.Tests.Support;
using Automation.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Tests.Employees;

public sealed class WorkflowDocumentAndTaskRuleTests
{
    private const string Log = "Automation.WriteToLog";

    [Fact]
    public async Task Run_workflow_starts_a_reusable_workflow_with_parameters_that_goes_on_when_the_order_moves()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishReusableAsync("follow-up",
            [
                ("hello", Log, new { Text = Flow.Liquid("follow-up for {{ Input.reason }}") }),
                ("later", Log, new { Text = "a day later", Delay = new { kind = "After", value = 1, unit = "Days" } }),
            ],
            ["start->hello", "hello->later"]);
        await h.PublishStatusAsync("new", 100,
            [
                ("run", "Automation.RunWorkflow", new { Workflow = "follow-up", Parameters = new Dictionary<string, object> { ["reason"] = "order {{ Order.Number }}" } }),
                ("log", Log, new { Text = Flow.Liquid("started {{ Activities.run.WorkflowInstanceId }}") }),
            ],
            ["start->run", "run->log"]);
        await h.PublishStatusAsync("paid", 200, [], []);
        var order = await h.CreateOrderAsync();

        await h.Pipeline.MoveAsync(order.Id, "paid", StatusCause.Person("manager"));
        h.Clock.Advance(TimeSpan.FromDays(1));
        await h.Engine.ResumeDueTimersAsync(h.Clock.GetUtcNow());

        var logs = await h.TimelineTextsAsync(order.Id, TimelineKind.Log);
        Assert.Equal($"follow-up for order {order.Number}", logs[0]);
        var instanceId = Assert.Single(logs, l => l.StartsWith("started ", StringComparison.Ordinal))["started ".Length..];
        Assert.Equal("a day later", logs[^1]);
        Assert.Equal(WorkflowStatus.Finished.ToString(), (await h.Engine.GetInstanceAsync(instanceId))!.Status);
    }

    [Fact]
    public async Task Run_workflow_refuses_a_status_workflow()
    {
        await using var h = await RulesHarness.StartAsync();
        await h.PublishStatusAsync("paid", 200, [], []);
        await h.PublishStatusAsync("new", 100, [("run", "Automation.RunWorkflow", new { Workflow = "paid" })], ["start->run"]);

        var order = await h.CreateOrderAsync();

        Assert.Equal("new", (await h.OrderAsync(order.Id)).Status);
        Assert.Contains(await h.TimelineTextsAsync(order.Id, TimelineKind.Error), t => t.Contains("'paid' is the workflow of order status 'paid'; Run workflow starts reusable workflows only"));
    }

    [Fact]
    public async Task Document_is_made_from_the_template_with_a_number_the_order_fields_and_a_public_link()
    {
        await using var h = await RulesHarness.StartAsync();
        long templateId;
        await using (var db = h.Store())
            templateId = (await new CrmDocuments(db, h.Clock).CreateTemplateAsync(new NewDocumentTemplate("Invoice",
                "<h1>Invoice {{ Document.Number }}</h1><p>Order {{ Order.Number }} for {{ Order.Client.Name }}</p>", "INV-{n:000}"), CancellationToken.None)).Id;
        await h.PublishStatusAsync("new", 100,
            [
                ("doc", "Automation.CreateDocument", new { Template = templateId, PublicLink = true }),
                ("log", Log, new { Text = Flow.Liquid("{{ Activities.doc.DocumentNumber }} at {{ Activities.doc.DocumentUrl }}") }),
            ],
            ["start->doc", "doc->log"]);

        var order = await h.Pipeline.CreateOrderAsync(new Orders.Orders.NewOrder
        {
            Client = new Orders.Clients.NewClient("Ann <b>Buyer</b>", "ann@example.com"),
            Status = "",
            Currency = "EUR",
            Amount = 10m,
        });

        await using var check = h.Store();
        var document = await check.CrmDocuments.SingleAsync();
        Assert.Equal("INV-001", document.Number);
        Assert.Equal($"<h1>Invoice INV-001</h1><p>Order {order.Number} for Ann &lt;b&gt;Buyer&lt;/b&gt;</p>", document.Html);
        Assert.NotNull(document.PublicToken);
        Assert.Contains($"INV-001 at /api/documents/{document.Id}", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
        Assert.True(await check.InboxEvents.AnyAsync(e => e.Type == EventTypes.DocumentCreated && e.OrderId == order.Id));
    }

    [Fact]
    public async Task Task_that_waits_for_completion_holds_the_next_rule_until_it_is_completed()
    {
        await using var h = await RulesHarness.StartAsync();
        var clerk = await h.EmployeeAsync("Clerk");
        var boss = await h.EmployeeAsync("Boss");
        await h.PublishStatusAsync("new", 100,
            [
                ("task", "Automation.CreateTask", new { TaskTitle = "Pack it", Auditors = new[] { boss.Id }, DeadlineInDays = 2, Priority = "High", Checklist = new[] { "box", "label" }, WaitForCompletion = true }),
                ("log", Log, new { Text = Flow.Liquid("task {{ Activities.task.TaskId }} closed by {{ Activities.task.ClosedBy }}") }),
            ],
            ["start->task", "task->log"]);
        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        OrderTask task;
        await using (var db = h.Store()) task = await db.Tasks.SingleAsync();
        Assert.Equal((clerk.Id, TaskPriority.High, h.Clock.GetUtcNow().AddDays(2), 2), (task.ResponsibleId, task.Priority, task.Deadline!.Value, task.Checklist.Count));
        Assert.Empty(await h.TimelineTextsAsync(order.Id, TimelineKind.Log));

        await using (var db = h.Store()) await new TaskBoard(db, h.Clock).CompleteAsync(task.Id, clerk.Id, CancellationToken.None);
        var outcomes = await h.ProcessEventsAsync(order.Id);

        Assert.Contains(outcomes, o => o.ResumedWaits == 1);
        Assert.Equal([$"task {task.Id} closed by {clerk.Id}"], await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }
}
