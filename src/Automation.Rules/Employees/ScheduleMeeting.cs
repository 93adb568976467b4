using Automation.Orders.Activities;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Schedule a meeting: a meeting in the responsible's calendar, linked to the order.
[Activity("Automation", "ScheduleMeeting", Category = "Employees", DisplayName = "Schedule a meeting", Description = "Schedules a meeting about the order.")]
public sealed class ScheduleMeeting : ScheduledActivity
{
    protected override CrmActivityKind Kind => CrmActivityKind.Meeting;
}
