using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Channels.Mail;
using Automation.Orders.Documents;
using Automation.Orders.Employees;
using Automation.Orders.Lists;
using Automation.Rules.Pipeline;
using Automation.Server.Api;
using Automation.Workflows.Descriptors;

namespace Automation.Server.Studio;

/// Choices of dropdown inputs that come from the database or the configuration (an input's `OptionsProvider`): employees, order
/// statuses, user lists, document templates, mailboxes and CRM forms (all, or callback forms only; empty = any form). Studio reloads the descriptors after every save, so the lists stay current without Studio's refresh calls.
public sealed class DropdownOptions(StoreAccess store, OrderPipeline pipeline, TimeProvider clock, MailOptions mail, CrmForms forms)
{
    private static readonly SelectItem AnyForm = new("any form", "");

    /// The items a provider offers now, or null for a provider this server does not know.
    public async Task<IReadOnlyList<SelectItem>?> ItemsAsync(string provider, CancellationToken ct) => provider switch
    {
        "Employees" => (await store.ReadAsync(db => new EmployeeDirectory(db).ListAsync(false, ct), ct))
            .Select(e => new SelectItem($"{e.Name} ({e.Email})", e.Id.ToString(CultureInfo.InvariantCulture))).ToList(),
        "OrderStatuses" => (await pipeline.ListStatusesAsync(ct)).Select(s => new SelectItem($"{s.Name} ({s.Code})", s.Code)).ToList(),
        "Lists" => (await store.ReadAsync(db => new UserLists(db, clock).ListListsAsync(ct), ct))
            .Select(l => new SelectItem(l.Name, l.Id.ToString(CultureInfo.InvariantCulture))).ToList(),
        "DocumentTemplates" => (await store.ReadAsync(db => new CrmDocuments(db, clock).ListTemplatesAsync(ct), ct))
            .Select(t => new SelectItem(t.Name, t.Id.ToString(CultureInfo.InvariantCulture))).ToList(),
        "Forms" => [AnyForm, .. forms.All.Select(f => new SelectItem($"{f.Name} ({f.Id})", f.Id))],
        "CallbackForms" => [AnyForm, .. forms.CallbackForms.Select(f => new SelectItem($"{f.Name} ({f.Id})", f.Id))],
        "Mailboxes" => [new SelectItem("auto (the one used last)", "auto"), .. mail.Mailboxes.Select(m => new SelectItem($"{m.Name} ({m.FromAddress})", m.Name))],
        _ => null,
    };

    /// The descriptors with the database's current choices in every provider-backed dropdown.
    public async Task<IReadOnlyList<ActivityDescriptor>> FillAsync(IReadOnlyList<ActivityDescriptor> descriptors, CancellationToken ct)
    {
        var cache = new Dictionary<string, IReadOnlyList<SelectItem>?>(StringComparer.Ordinal);
        var result = new List<ActivityDescriptor>(descriptors.Count);
        foreach (var descriptor in descriptors)
        {
            if (!descriptor.Inputs.Any(i => ProviderOf(descriptor, i) is not null))
            {
                result.Add(descriptor);
                continue;
            }
            var inputs = new List<InputDescriptor>();
            foreach (var input in descriptor.Inputs)
                inputs.Add(ProviderOf(descriptor, input) is { } provider ? input with { UiSpecifications = await SpecificationsAsync(input, provider, cache, ct) } : input);
            result.Add(descriptor with { Inputs = inputs });
        }
        return result;
    }

    /// The `uiSpecifications` of one input with current choices (Studio's options endpoint).
    public async Task<JsonObject> SpecificationsAsync(ActivityDescriptor descriptor, InputDescriptor input, CancellationToken ct) =>
        ProviderOf(descriptor, input) is { } provider
            ? await SpecificationsAsync(input, provider, new Dictionary<string, IReadOnlyList<SelectItem>?>(), ct)
            : (JsonObject?)input.UiSpecifications?.DeepClone() ?? new JsonObject();

    private async Task<JsonObject> SpecificationsAsync(
        InputDescriptor input, string provider, Dictionary<string, IReadOnlyList<SelectItem>?> cache, CancellationToken ct)
    {
        if (!cache.TryGetValue(provider, out var items)) cache[provider] = items = await ItemsAsync(provider, ct);
        var specifications = (JsonObject?)input.UiSpecifications?.DeepClone() ?? new JsonObject();
        var list = new JsonArray((items ?? []).Select(i => (JsonNode)new JsonObject { ["text"] = i.Text, ["value"] = i.Value }).ToArray());
        var listKey = input.UiHint switch { "checklist" => "checkList", "radiolist" => "radioList", _ => "selectList" };
        specifications[listKey] = new JsonObject { ["items"] = list, ["isFlagsEnum"] = false };
        // The items are in place; a provider name would only make Studio look for a provider of its own.
        specifications.Remove("providerName");
        return specifications;
    }

    /// The provider a descriptor names for an input's list (dropdown, check list or radio list), if any.
    private static string? ProviderOf(ActivityDescriptor descriptor, InputDescriptor input) =>
        input.UiSpecifications?["providerName"] is JsonValue v && v.TryGetValue<string>(out var provider) ? provider : null;
}

/// One choice of a dropdown.
public sealed record SelectItem(string Text, string Value);
