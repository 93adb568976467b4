using System.Globalization;
using Automation.Orders.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Lists;

/// User-defined lists and their items (/api/lists): fields are typed, values are checked against their field.
public sealed class UserLists(StoreDb db, TimeProvider clock)
{
    public async Task<UserList> CreateListAsync(NewUserList request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name)) throw DomainException.Invalid("name", "must not be empty");
        if (request.Fields.Count == 0) throw DomainException.Invalid("fields", "must name at least one field");
        for (var i = 0; i < request.Fields.Count; i++)
        {
            var field = request.Fields[i];
            if (string.IsNullOrWhiteSpace(field.Code)) throw DomainException.Invalid($"fields[{i}].code", "must not be empty");
            if (!Enum.IsDefined(field.Type)) throw DomainException.Invalid($"fields[{i}].type", $"must be one of {string.Join(", ", Enum.GetNames<ListFieldType>())}");
            if (request.Fields.Take(i).Any(f => string.Equals(f.Code.Trim(), field.Code.Trim(), StringComparison.OrdinalIgnoreCase)))
                throw DomainException.Invalid($"fields[{i}].code", $"'{field.Code}' is used by another field of the list");
        }
        var list = new UserList
        {
            Name = request.Name.Trim(),
            Fields = [.. request.Fields.Select(f => f with { Code = f.Code.Trim(), Name = string.IsNullOrWhiteSpace(f.Name) ? f.Code.Trim() : f.Name.Trim() })],
            CreatedAt = clock.GetUtcNow(),
        };
        db.UserLists.Add(list);
        await db.SaveChangesAsync(cancellationToken);
        return list;
    }

    public async Task<UserList> GetListAsync(long listId, CancellationToken cancellationToken) =>
        await db.UserLists.AsNoTracking().FirstOrDefaultAsync(l => l.Id == listId, cancellationToken)
        ?? throw new DomainException("list_not_found", $"List {listId} does not exist.");

    public async Task<IReadOnlyList<UserList>> ListListsAsync(CancellationToken cancellationToken) =>
        await db.UserLists.AsNoTracking().OrderBy(l => l.Id).ToListAsync(cancellationToken);

    public async Task<UserListItem> AddItemAsync(long listId, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var list = await GetListAsync(listId, cancellationToken);
        var item = new UserListItem { ListId = listId, CreatedAt = clock.GetUtcNow() };
        item.UpdatedAt = item.CreatedAt;
        await ApplyAsync(list, item, values, cancellationToken);
        if (list.Fields.FirstOrDefault(f => f.Required && item.Values.GetValueOrDefault(f.Code) is null) is { } missing)
            throw DomainException.Invalid(missing.Code, $"is required in list '{list.Name}'");
        db.UserListItems.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    public async Task<UserListItem> GetItemAsync(long listId, long itemId, CancellationToken cancellationToken) =>
        await db.UserListItems.FirstOrDefaultAsync(i => i.Id == itemId && i.ListId == listId, cancellationToken)
        ?? throw ItemNotFound(listId, itemId);

    /// Sets the given fields (null or blank clears one); the other fields keep their values.
    public async Task<UserListItem> UpdateItemAsync(long listId, long itemId, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var list = await GetListAsync(listId, cancellationToken);
        var item = await GetItemAsync(listId, itemId, cancellationToken);
        await ApplyAsync(list, item, values, cancellationToken);
        if (values.Keys.Select(list.Field).FirstOrDefault(f => f is { Required: true } && item.Values.GetValueOrDefault(f.Code) is null) is { } cleared)
            throw DomainException.Invalid(cleared.Code, $"is required in list '{list.Name}' and cannot be cleared");
        item.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    public async Task DeleteItemAsync(long listId, long itemId, CancellationToken cancellationToken)
    {
        db.UserListItems.Remove(await GetItemAsync(listId, itemId, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// Oldest first.
    public async Task<Page<UserListItem>> ListItemsAsync(long listId, PageRequest page, CancellationToken cancellationToken)
    {
        page.Validate();
        await GetListAsync(listId, cancellationToken);
        var items = db.UserListItems.AsNoTracking().Where(i => i.ListId == listId);
        var total = await items.CountAsync(cancellationToken);
        return new Page<UserListItem>(await items.OrderBy(i => i.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(cancellationToken),
            page.Offset, page.Limit, total);
    }

    public static DomainException ItemNotFound(long listId, long itemId) =>
        new("list_item_not_found", $"List {listId} has no item {itemId}.");

    private async Task ApplyAsync(UserList list, UserListItem item, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken)
    {
        foreach (var (code, value) in values)
        {
            var field = list.Field(code) ?? throw DomainException.Invalid(code, $"is not a field of list '{list.Name}' (fields: {string.Join(", ", list.Fields.Select(f => f.Code))})");
            var stored = ListValues.Normalize(list, field, value);
            if (field.Type == ListFieldType.Employee && stored is not null) await RequireEmployeesAsync(field, stored, cancellationToken);
            item.Values[field.Code] = stored;
        }
    }

    private async Task RequireEmployeesAsync(ListField field, string stored, CancellationToken cancellationToken)
    {
        var ids = ListValues.Read(field, stored) switch { long one => [one], object?[] many => many.Cast<long>().ToArray(), _ => Array.Empty<long>() };
        var known = await db.Employees.Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken);
        if (ids.FirstOrDefault(id => !known.Contains(id)) is var missing and not 0)
            throw DomainException.Invalid(field.Code, $"names employee {missing.ToString(CultureInfo.InvariantCulture)}, who does not exist");
    }
}
