using Automation.Orders;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Orders.Payments;
using Automation.Orders.Persistence;
using Automation.Orders.Shipments;
using Automation.Orders.Timeline;
using Automation.Rules.Pipeline;
using Automation.Server.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Automation.Server.Api;

/// Orders: create, read, list, move between statuses, pay, cancel, update shipments, comment, and their history.
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/", CreateAsync);
        orders.MapGet("/", ListAsync);
        orders.MapGet("/{id:long}", GetAsync);
        orders.MapPost("/{id:long}/status", MoveAsync);
        orders.MapPost("/{id:long}/payments", PayAsync);
        orders.MapPost("/{id:long}/cancel", CancelAsync);
        orders.MapPatch("/{id:long}/shipments/{shipmentId:long}", UpdateShipmentAsync);
        orders.MapPost("/{id:long}/comments", CommentAsync);
        orders.MapGet("/{id:long}/timeline", TimelineAsync);
        return api;
    }

    public sealed record ClientRequest(string? Name, string? Email = null, string? Phone = null, string? Kind = null, string? VisitorId = null);

    public sealed record CreateOrderRequest(
        ClientRequest? Client, List<OrderItem>? Items, decimal? Amount, string? Currency, long? ResponsibleId,
        Dictionary<string, string?>? Fields, List<NewShipment>? Shipments);

    public sealed record MoveRequest(string? Status, string? Actor = null);

    public sealed record CancelRequest(string? Reason = null, string? Actor = null);

    public sealed record CommentRequest(string? Text, string? Author = null);

    /// Order is null when a rule of the new status deleted the order ("Delete CRM record"): the move happened, nothing is left to show.
    public sealed record MoveResult(OrderView? Order, bool Moved, string? From, string To, string? Reason);

    public sealed record PaymentResult(PaymentView Payment, OrderView Order, IReadOnlyList<EventOutcomeView> Events);

    public sealed record ChangeResult<T>(T Result, OrderView Order, IReadOnlyList<EventOutcomeView> Events);

    private static async Task<Created<OrderView>> CreateAsync(CreateOrderRequest body, OrderPipeline pipeline, StoreAccess store, CancellationToken ct)
    {
        if (body.Client is null) throw DomainException.Invalid("client", "is required ({name, email, phone})");
        var kind = body.Client.Kind is null ? ClientKind.Contact
            : Enum.TryParse<ClientKind>(body.Client.Kind, ignoreCase: true, out var k) ? k
            : throw DomainException.Invalid("client.kind", "must be Contact or Company");
        var order = await pipeline.CreateOrderAsync(new NewOrder
        {
            Client = new NewClient(body.Client.Name, body.Client.Email, body.Client.Phone, kind, body.Client.VisitorId),
            Status = "",
            Currency = string.IsNullOrWhiteSpace(body.Currency) ? "USD" : body.Currency,
            Items = body.Items ?? [],
            Amount = body.Amount,
            ResponsibleId = body.ResponsibleId,
            Fields = body.Fields,
            Shipments = body.Shipments ?? [],
        }, ct);
        var view = await ReadAsync(store, order.Id, ct);
        return TypedResults.Created($"/api/orders/{order.Id}", view);
    }

    private static async Task<Ok<Page<OrderView>>> ListAsync(StoreAccess store, TimeProvider clock, string? status, int? offset, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var page = await new OrderBook(db, clock).ListAsync(string.IsNullOrWhiteSpace(status) ? null : status.Trim(),
                new PageRequest(offset ?? 0, limit ?? 50), ct);
            var clients = await ClientsAsync(db, page.Items.Select(o => o.ClientId), ct);
            return new Page<OrderView>(page.Items.Select(o => OrderView.Of(o, clients.GetValueOrDefault(o.ClientId))).ToList(), page.Offset, page.Limit, page.Total);
        }, ct));

    private static async Task<Ok<OrderView>> GetAsync(long id, StoreAccess store, CancellationToken ct) => TypedResults.Ok(await ReadAsync(store, id, ct));

    private static async Task<Ok<MoveResult>> MoveAsync(long id, MoveRequest body, OrderPipeline pipeline, StoreAccess store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Status)) throw DomainException.Invalid("status", "is required");
        var move = await pipeline.MoveAsync(id, body.Status, StatusCause.Person(body.Actor ?? "api"), ct);
        var exists = await store.ReadAsync(db => db.Orders.AnyAsync(o => o.Id == id, ct), ct);
        return TypedResults.Ok(new MoveResult(exists ? await ReadAsync(store, id, ct) : null, move.Moved, move.From, move.To, move.Reason));
    }

    private static async Task<Created<PaymentResult>> PayAsync(long id, NewPayment body, EventIntake intake, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        var paid = await intake.ChangeAsync(db => new OrderBook(db, clock).RecordPaymentAsync(id, body, ct), db => OrderAsLeft.Of(db, id), ct);
        var payment = paid.Result;
        var result = new PaymentResult(paid.Seen is { } left ? PaymentView.Of(payment, left.AsStored) : PaymentView.Of(payment),
            await AnswerAsync(store, id, paid.Seen, ct), paid.Outcomes.Select(EventOutcomeView.Of).ToList());
        return TypedResults.Created($"/api/orders/{id}/payments/{payment.Id}", result);
    }

    private static async Task<Ok<ChangeResult<string>>> CancelAsync(long id, CancelRequest body, EventIntake intake, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        var canceled = await intake.ChangeAsync(db => new OrderBook(db, clock).CancelAsync(id, body.Reason, body.Actor ?? "api", ct),
            db => OrderAsLeft.Of(db, id), ct);
        return TypedResults.Ok(new ChangeResult<string>("canceled", await AnswerAsync(store, id, canceled.Seen, ct),
            canceled.Outcomes.Select(EventOutcomeView.Of).ToList()));
    }

    private static async Task<Ok<ChangeResult<ShipmentView>>> UpdateShipmentAsync(
        long id, long shipmentId, ShipmentPatch body, EventIntake intake, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        var updated = await intake.ChangeAsync(db => new OrderBook(db, clock).UpdateShipmentAsync(id, shipmentId, body, ct),
            db => OrderAsLeft.Of(db, id), ct);
        var shipment = updated.Seen is { } left ? ShipmentView.Of(updated.Result, left.AsStored) : ShipmentView.Of(updated.Result);
        return TypedResults.Ok(new ChangeResult<ShipmentView>(shipment, await AnswerAsync(store, id, updated.Seen, ct),
            updated.Outcomes.Select(EventOutcomeView.Of).ToList()));
    }

    private static async Task<Created<TimelineView>> CommentAsync(long id, CommentRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Text)) throw DomainException.Invalid("text", "is required");
        var entry = await store.WriteAsync(db => new OrderTimeline(db, clock).AddCommentAsync(id, body.Text, body.Author, ct), ct);
        return TypedResults.Created($"/api/orders/{id}/timeline", TimelineView.Of(entry));
    }

    private static async Task<Ok<Page<TimelineView>>> TimelineAsync(long id, StoreAccess store, TimeProvider clock, int? offset, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var page = await new OrderTimeline(db, clock).ListAsync(id, new PageRequest(offset ?? 0, limit ?? 200), ct);
            return new Page<TimelineView>(page.Items.Select(TimelineView.Of).ToList(), page.Offset, page.Limit, page.Total);
        }, ct));

    internal static Task<OrderView> ReadAsync(StoreAccess store, long id, CancellationToken ct) => store.ReadAsync(async db =>
    {
        var order = await OrderToShow.ReadAsync(db, id, ct) ?? throw DomainException.OrderNotFound(id);
        return OrderView.Of(order, await ClientToShow.ReadAsync(db, order.ClientId, ct));
    }, ct);

    /// The order a change answers with: as its unit of work left it when the unit still holds it (reading only the
    /// client, unless the unit had it too), else read back. Reading the order back cost more CPU than the rest of the
    /// answer, on a reader whose page cache every commit had made stale.
    private static async Task<OrderView> AnswerAsync(StoreAccess store, long id, OrderAsLeft? left, CancellationToken ct)
    {
        if (left is null) return await ReadAsync(store, id, ct);
        var client = left.Client ?? await store.ReadAsync(db => ClientToShow.ReadAsync(db, left.Order.ClientId, ct), ct);
        return OrderView.Of(left, client);
    }

    // Every change answers with the order it changed (or its client): prepared statements, not EF Core's query pipeline.
    private static readonly StoreAggregate<Order> OrderToShow = new(o => o.Shipments, o => o.Payments);

    private static readonly StoreAggregate<Client> ClientToShow = new(c => c.Emails, c => c.Phones);

    private static async Task<Dictionary<long, Client>> ClientsAsync(StoreDb db, IEnumerable<long> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Clients.AsNoTracking().Include(c => c.Emails).Include(c => c.Phones).AsSplitQuery()
            .Where(c => wanted.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
    }
}
