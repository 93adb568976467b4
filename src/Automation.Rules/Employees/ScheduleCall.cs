using Automation.Orders.Activities;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Schedule a call: a call with the client in the responsible's calendar, linked to the order.
[Activity("Automation", "ScheduleCall", Category = "Employees", DisplayName = "Schedule a call", Description = "Schedules a call about the order.")]
public sealed class ScheduleCall : ScheduledActivity
{
    protected override CrmActivityKind Kind => CrmActivityKind.Call;
}
