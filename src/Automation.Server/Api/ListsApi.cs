using System.Text.Json;
using Automation.Orders;
using Automation.Orders.Lists;
using Automation.Orders.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// The store's own lists with typed fields, and their items (what the Create/Read/Edit list item rules work on).
public static class ListsApi
{
    public static RouteGroupBuilder MapListsApi(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/lists").WithTags("Lists");
        lists.MapGet("/", ListListsAsync);
        lists.MapPost("/", CreateListAsync);
        lists.MapGet("/{id:long}", GetListAsync);
        lists.MapGet("/{id:long}/items", ListItemsAsync);
        lists.MapPost("/{id:long}/items", AddItemAsync);
        lists.MapGet("/{id:long}/items/{itemId:long}", GetItemAsync);
        lists.MapPatch("/{id:long}/items/{itemId:long}", UpdateItemAsync);
        lists.MapDelete("/{id:long}/items/{itemId:long}", DeleteItemAsync);
        return api;
    }

    public sealed record CreateListRequest(string? Name, List<ListField>? Fields);

    /// Field code → value: a string, number, boolean, null (clears it) or, for a multi-valued field, an array of those.
    public sealed record ItemRequest(Dictionary<string, JsonElement>? Values);

    /// An item with its values typed by their fields (numbers, dates, booleans, employee ids, arrays for multi-valued fields).
    public sealed record ListItemView(long Id, long ListId, IReadOnlyDictionary<string, object?> Values, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static ListItemView Of(UserList list, UserListItem item) => new(item.Id, item.ListId,
            list.Fields.Where(f => item.Values.ContainsKey(f.Code)).ToDictionary(f => f.Code, f => ListValues.Read(f, item.Values[f.Code])),
            item.CreatedAt, item.UpdatedAt);
    }

    private static async Task<Ok<IReadOnlyList<UserList>>> ListListsAsync(StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new UserLists(db, clock).ListListsAsync(ct), ct));

    private static async Task<Created<UserList>> CreateListAsync(CreateListRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name)) throw DomainException.Invalid("name", "is required");
        var list = await store.WriteAsync(db => new UserLists(db, clock).CreateListAsync(new NewUserList(body.Name, body.Fields ?? []), ct), ct);
        return TypedResults.Created($"/api/lists/{list.Id}", list);
    }

    private static async Task<Ok<UserList>> GetListAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(db => new UserLists(db, clock).GetListAsync(id, ct), ct));

    private static async Task<Ok<Page<ListItemView>>> ListItemsAsync(long id, StoreAccess store, TimeProvider clock, int? offset, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var lists = new UserLists(db, clock);
            var page = await lists.ListItemsAsync(id, new PageRequest(offset ?? 0, limit ?? 50), ct);
            var list = await lists.GetListAsync(id, ct);
            return new Page<ListItemView>(page.Items.Select(i => ListItemView.Of(list, i)).ToList(), page.Offset, page.Limit, page.Total);
        }, ct));

    private static async Task<Created<ListItemView>> AddItemAsync(long id, ItemRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        var item = await store.WriteAsync(async db =>
        {
            var lists = new UserLists(db, clock);
            var list = await lists.GetListAsync(id, ct);
            return ListItemView.Of(list, await lists.AddItemAsync(id, Texts(list, body), ct));
        }, ct);
        return TypedResults.Created($"/api/lists/{id}/items/{item.Id}", item);
    }

    private static async Task<Ok<ListItemView>> GetItemAsync(long id, long itemId, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.ReadAsync(async db =>
        {
            var lists = new UserLists(db, clock);
            return ListItemView.Of(await lists.GetListAsync(id, ct), await lists.GetItemAsync(id, itemId, ct));
        }, ct));

    private static async Task<Ok<ListItemView>> UpdateItemAsync(long id, long itemId, ItemRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        return TypedResults.Ok(await store.WriteAsync(async db =>
        {
            var lists = new UserLists(db, clock);
            var list = await lists.GetListAsync(id, ct);
            return ListItemView.Of(list, await lists.UpdateItemAsync(id, itemId, Texts(list, body), ct));
        }, ct));
    }

    private static async Task<NoContent> DeleteItemAsync(long id, long itemId, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        await store.WriteAsync(async db => { await new UserLists(db, clock).DeleteItemAsync(id, itemId, ct); return true; }, ct);
        return TypedResults.NoContent();
    }

    /// The values as the list domain takes them: text, checked there against each field's type.
    private static Dictionary<string, string?> Texts(UserList list, ItemRequest body)
    {
        if (body.Values is null) throw DomainException.Invalid("values", "is required ({ \"values\": { \"<field code>\": <value> } })");
        return body.Values.ToDictionary(v => v.Key, v => v.Value.ValueKind switch
        {
            JsonValueKind.Array when list.Field(v.Key) is { Multiple: false } =>
                throw DomainException.Invalid(v.Key, $"of list '{list.Name}' holds one value; an array was given"),
            JsonValueKind.Array => StoreJson.Write(v.Value.EnumerateArray().Select(e => Text(v.Key, e)).ToList()),
            _ => Text(v.Key, v.Value),
        });
    }

    private static string? Text(string code, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw DomainException.Invalid($"values.{code}", "must be a string, number, boolean or null (an array of those for a multi-valued field)"),
    };
}
