using Automation.Orders;
using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Automation.Server.Api;

/// Buyers and their details (requisites), which the Details information and Edit details rules read and write.
public static class ClientsApi
{
    public static RouteGroupBuilder MapClientsApi(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients");
        clients.MapGet("/{id:long}", GetAsync);
        clients.MapPatch("/{id:long}/details", UpdateDetailsAsync);
        return api;
    }

    /// Detail name → value (null clears it, unless appending); "name" renames the client.
    public sealed record DetailsRequest(Dictionary<string, string?>? Values, bool? Append);

    public sealed record ClientDetailsView(
        long Id, string Kind, string Name, IReadOnlyList<ContactView> Emails, IReadOnlyList<ContactView> Phones, string? VisitorId,
        IReadOnlyDictionary<string, string?> Details, DateTimeOffset CreatedAt)
    {
        public static ClientDetailsView Of(Client c)
        {
            var view = ClientView.Of(c);
            return new(view.Id, view.Kind, view.Name, view.Emails, view.Phones, view.VisitorId, c.Details, c.CreatedAt);
        }
    }

    private static async Task<Ok<ClientDetailsView>> GetAsync(long id, StoreAccess store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(ClientDetailsView.Of(await store.ReadAsync(db => new ClientDirectory(db, clock).GetAsync(id, ct), ct)));

    private static async Task<Ok<ClientDetailsView>> UpdateDetailsAsync(long id, DetailsRequest body, StoreAccess store, TimeProvider clock, CancellationToken ct)
    {
        if (body.Values is not { Count: > 0 } values) throw DomainException.Invalid("values", "is required: the details to set ({ \"values\": { \"<detail>\": \"<value>\" } })");
        var mode = body.Append == true ? FieldWriteMode.Append : FieldWriteMode.Overwrite;
        return TypedResults.Ok(ClientDetailsView.Of(await store.WriteAsync(db => new ClientDirectory(db, clock).UpdateDetailsAsync(id, values, mode, ct), ct)));
    }
}
