using Automation.Orders;
using Automation.Orders.Outbox;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// The outbox of emails and SMS to employees (the Send SMS/email to employee rules), with each message's delivery state.
public static class EmployeeMessagesApi
{
    public static RouteGroupBuilder MapEmployeeMessagesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/employee-messages", ListAsync).WithTags("Employees");
        return api;
    }

    private static async Task<Ok<Page<EmployeeMessage>>> ListAsync(
        StoreAccess store, TimeProvider clock, long? employeeId, string? status, int? offset, int? limit, CancellationToken ct)
    {
        OutboxStatus? wanted = string.IsNullOrWhiteSpace(status) ? null
            : Enum.TryParse<OutboxStatus>(status.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw DomainException.Invalid("status", $"'{status}' is not one of {string.Join(", ", Enum.GetNames<OutboxStatus>())}");
        return TypedResults.Ok(await store.ReadAsync(db => new EmployeeMessageOutbox(db, clock)
            .ListAsync(employeeId, wanted, new PageRequest(offset ?? 0, limit ?? 50), ct), ct));
    }
}
