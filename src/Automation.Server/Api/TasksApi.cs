using Automation.Orders;
using Automation.Orders.Tasks;
using Automation.Server.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// Employees' tasks: created by people or by the Task rule; completing one resumes a rule waiting for it.
public static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapGet("/", ListAsync);
        tasks.MapPost("/", CreateAsync);
        tasks.MapGet("/{id:long}", GetAsync);
        tasks.MapPost("/{id:long}/complete", CompleteAsync);
        return api;
    }

    public sealed record CreateTaskRequest(
        string? Title, long? ResponsibleId, long? OrderId, string? Description, long? CreatedById, List<long>? Auditors,
        DateTimeOffset? Deadline, TaskPriority? Priority, List<string>? Checklist);

    public sealed record CompleteRequest(long? ClosedById);

    /// The completed task and what the "task.completed" event did (a rule waiting for the task resumed).
    public sealed record Completion(OrderTask Task, IReadOnlyList<EventOutcomeView> Events);

    /// `?orderId=&employeeId=&responsibleId=&auditorId=&openOnly=` (employeeId: responsible or auditor), newest first.
    private static async Task<Ok<Page<OrderTask>>> ListAsync(StoreAccess store, TimeProvider clock, long? orderId, long? employeeId,
        long? responsibleId, long? auditorId, bool? openOnly, int? offset, int? limit, CancellationToken ct)
    {
        var filter = new TaskFilter
        {
            OrderId = orderId,
            EmployeeId = employeeId,
            ResponsibleId = responsibleId,
            AuditorId = auditorId,
            OpenOnly = openOnly ?? false,
        };
        return TypedResults.Ok(await store.ReadAsync(db => new TaskBoard(db, clock).ListAsync(filter, new PageRequest(offset ?? 0, limit ?? 50), ct), ct));
    }

    private static async Task<Created<OrderTask>> CreateAsync(CreateTaskRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Title)) throw DomainException.Invalid("title", "is required");
        if (body.ResponsibleId is not { } responsible) throw DomainException.Invalid("responsibleId", "is required");
        var task = await store.WriteAsync(db => new TaskBoard(db, clock).CreateAsync(new NewTask(body.Title, responsible)
        {
            OrderId = body.OrderId,
            Description = body.Description,
            CreatedById = body.CreatedById,
            Auditors = body.Auditors ?? [],
            Deadline = body.Deadline,
            Priority = body.Priority ?? TaskPriority.Normal,
            Checklist = body.Checklist ?? [],
        }, ct), ct);
        return TypedResults.Created($"/api/tasks/{task.Id}", task);
    }

    private static async Task<Ok<OrderTask>> GetAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new TaskBoard(db, clock).GetAsync(id, ct), ct));

    private static async Task<Ok<Completion>> CompleteAsync(long id, CompleteRequest? body, EventIntake intake, TimeProvider clock, CancellationToken ct)
    {
        var (task, outcomes) = await intake.ChangeAsync(db => new TaskBoard(db, clock).CompleteAsync(id, body?.ClosedById, ct), ct);
        return TypedResults.Ok(new Completion(task, outcomes.Select(EventOutcomeView.Of).ToList()));
    }
}
