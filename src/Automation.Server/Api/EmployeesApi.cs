using Automation.Orders;
using Automation.Orders.Employees;
using Automation.Orders.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// Employees (the responsibles, recipients of notifications and tasks) and their in-app notifications.
public static class EmployeesApi
{
    public static RouteGroupBuilder MapEmployeesApi(this RouteGroupBuilder api)
    {
        var employees = api.MapGroup("/employees").WithTags("Employees");
        employees.MapGet("/", ListAsync);
        employees.MapPost("/", CreateAsync);
        employees.MapGet("/{id:long}", GetAsync);
        employees.MapPatch("/{id:long}", UpdateAsync);
        employees.MapDelete("/{id:long}", DeleteAsync);

        var notifications = api.MapGroup("/notifications").WithTags("Employees");
        notifications.MapGet("/", NotificationsAsync);
        notifications.MapPost("/read", MarkReadAsync);
        return api;
    }

    public sealed record MarkReadRequest(long EmployeeId, List<long>? Ids);

    private static async Task<Ok<IReadOnlyList<Employee>>> ListAsync(StoreAccess store, bool? includeInactive, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new EmployeeDirectory(db).ListAsync(includeInactive ?? false, ct), ct));

    private static async Task<Created<Employee>> CreateAsync(NewEmployee body, StoreAccess store, CancellationToken ct)
    {
        var employee = await store.WriteAsync(db => new EmployeeDirectory(db).CreateAsync(body, ct), ct);
        return TypedResults.Created($"/api/employees/{employee.Id}", employee);
    }

    private static async Task<Ok<Employee>> GetAsync(long id, StoreAccess store, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new EmployeeDirectory(db).GetAsync(id, ct), ct));

    private static async Task<Ok<Employee>> UpdateAsync(long id, EmployeePatch body, StoreAccess store, CancellationToken ct) =>
        TypedResults.Ok(await store.WriteAsync(db => new EmployeeDirectory(db).UpdateAsync(id, body, ct), ct));

    private static async Task<NoContent> DeleteAsync(long id, StoreAccess store, CancellationToken ct)
    {
        await store.WriteAsync(async db => { await new EmployeeDirectory(db).DeleteAsync(id, ct); return true; }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<Notification>>> NotificationsAsync(
        StoreAccess store, TimeProvider clock, long? employeeId, bool? unreadOnly, int? offset, int? limit, CancellationToken ct)
    {
        if (employeeId is null) throw DomainException.Invalid("employeeId", "is required (GET /api/notifications?employeeId=<id>)");
        return TypedResults.Ok(await store.ReadAsync(db => new EmployeeNotifications(db, clock)
            .ListForEmployeeAsync(employeeId.Value, new PageRequest(offset ?? 0, limit ?? 50), unreadOnly ?? false, ct), ct));
    }

    private static async Task<Ok<int>> MarkReadAsync(MarkReadRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.WriteAsync(db => new EmployeeNotifications(db, clock).MarkReadAsync(body.EmployeeId, body.Ids ?? [], ct), ct));
}
