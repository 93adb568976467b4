using Automation.Orders;
using Automation.Orders.Feed;
using Automation.Orders.Outbox;
using Automation.Orders.Timeline;
using Automation.Rules.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Automation.Rules.Tests.Employees;

public sealed class FeedAndNotificationRuleTests
{
    private const string Log = "Automation.WriteToLog";

    [Fact]
    public async Task Feed_message_is_posted_from_the_responsible_to_the_chosen_recipients()
    {
        await using var h = await RulesHarness.StartAsync();
        var clerk = await h.EmployeeAsync("Clerk");
        var boss = await h.EmployeeAsync("Boss");
        var other = await h.EmployeeAsync("Other");
        await h.PublishStatusAsync("new", 100,
            [
                ("post", "Automation.AddFeedMessage", new { PostTitle = "Big order", Message = Flow.Liquid("Order {{ Order.Number }} for {{ Order.Client.Name }}"), Recipients = new[] { boss.Id } }),
                ("log", Log, new { Text = Flow.Liquid("posted {{ Activities.post.PostUrl }}") }),
            ],
            ["start->post", "post->log"]);
        var order = await h.CreateOrderAsync(amount: 900m, responsibleId: clerk.Id);

        await using var db = h.Store();
        var feed = new CompanyFeed(db, h.Clock);
        var seen = Assert.Single((await feed.ListAsync(boss.Id, new PageRequest(), CancellationToken.None)).Items);
        Assert.Equal(("Big order", $"Order {order.Number} for Ann Buyer", clerk.Id, order.Id), (seen.Title, seen.Text, seen.AuthorId!.Value, seen.OrderId!.Value));
        Assert.Empty((await feed.ListAsync(other.Id, new PageRequest(), CancellationToken.None)).Items);
        Assert.Contains($"posted /api/feed/{seen.Id}", await h.TimelineTextsAsync(order.Id, TimelineKind.Log));
    }

    [Fact]
    public async Task Notification_goes_to_the_responsible_by_default_from_the_chosen_sender()
    {
        await using var h = await RulesHarness.StartAsync();
        var boss = await h.EmployeeAsync("Boss");
        var clerk = await h.EmployeeAsync("Clerk", boss.Id);
        await h.PublishStatusAsync("new", 100, [("note", "Automation.Notify", new { Message = "please check", Sender = boss.Id })], ["start->note"]);
        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        await using var db = h.Store();
        var sent = Assert.Single(db.Notifications);
        Assert.Equal((clerk.Id, boss.Id, order.Id), (sent.EmployeeId, sent.SenderId!.Value, sent.OrderId!.Value));
    }

    [Fact]
    public async Task Notification_to_chosen_employees_and_the_manager_comes_from_the_system()
    {
        await using var h = await RulesHarness.StartAsync();
        var boss = await h.EmployeeAsync("Boss");
        var clerk = await h.EmployeeAsync("Clerk", boss.Id);
        var stock = await h.EmployeeAsync("Stock");
        await h.PublishStatusAsync("new", 100, [("note", "Automation.Notify", new { Message = "new order", Recipients = new[] { stock.Id }, ToManager = true })], ["start->note"]);
        await h.CreateOrderAsync(responsibleId: clerk.Id);

        await using var db = h.Store();
        var sent = await db.Notifications.OrderBy(n => n.EmployeeId).ToListAsync();
        Assert.Equal([boss.Id, stock.Id], sent.Select(n => n.EmployeeId));
        Assert.All(sent, n => Assert.Null(n.SenderId));
    }

    [Fact]
    public async Task Sms_and_email_to_an_employee_wait_in_the_outbox_and_show_on_the_timeline()
    {
        await using var h = await RulesHarness.StartAsync();
        var clerk = await h.EmployeeAsync("Clerk", phone: "+47 400 00 009");
        await h.PublishStatusAsync("new", 100,
            [
                ("sms", "Automation.SendSmsToEmployee", new { Text = Flow.Liquid("New order {{ Order.Number }}") }),
                ("mail", "Automation.SendEmailToEmployee", new { Subject = "New order", Text = "Please pack it", Employee = clerk.Id }),
            ],
            ["start->sms", "sms->mail"]);
        var order = await h.CreateOrderAsync(responsibleId: clerk.Id);

        await using var db = h.Store();
        var queued = await new EmployeeMessageOutbox(db, h.Clock).ListForOrderAsync(order.Id, CancellationToken.None);
        Assert.Equal([(MessageChannel.Sms, "+47 400 00 009", $"New order {order.Number}"), (MessageChannel.Email, "clerk@shop.test", "Please pack it")],
            queued.Select(m => (m.Channel, m.Address, m.Text)));
        Assert.All(queued, m => Assert.Equal(OutboxStatus.Pending, m.Status));
        Assert.Equal(["SMS to Clerk (+47 400 00 009) queued", "Email to Clerk (clerk@shop.test) queued"], await h.TimelineTextsAsync(order.Id, TimelineKind.Message));
    }
}
