using Automation.Orders.Clients;
using Automation.Orders.Orders;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Details information: reads the order's client and their details (legal name, tax id, address, …) into outputs;
/// each detail read (the chosen ones, or all) is also an output of its own name, e.g. `{{ Activities.details.taxId }}`.
[Activity("Automation", "DetailsInformation", Category = "Information", DisplayName = "Details information", Description = "Reads the client's details for later rules.")]
public sealed class DetailsInformation : RuleActivity
{
    [Input(Description = "The details to read, e.g. taxId (none: all); each is an output of its own name, empty when the client has none.",
        UIHint = UIHints.MultiText, NamesOutputs = true)]
    public Input<string[]> Fields { get; init; } = new([]);

    [Output] public Output<long> ClientId { get; init; } = new();
    [Output(Description = "The client's name.")] public Output<string> ClientName { get; init; } = new();
    [Output(Description = "Contact or Company.")] public Output<string> Kind { get; init; } = new();
    [Output(Description = "The client's first email.")] public Output<string?> Email { get; init; } = new();
    [Output(Description = "The client's first phone.")] public Output<string?> Phone { get; init; } = new();
    [Output(Description = "Every detail by name.")] public Output<Dictionary<string, object?>> Details { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var client = await rule.Clients.GetAsync(rule.Order.ClientId, rule.CancellationToken);
        rule.Set(ClientId, client.Id);
        rule.Set(ClientName, client.Name);
        rule.Set(Kind, client.Kind.ToString());
        rule.Set(Email, ClientDirectory.EmailOf(client));
        rule.Set(Phone, ClientDirectory.PhoneOf(client));
        var chosen = rule.Get(Fields) is { Length: > 0 } names ? names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList() : null;
        var details = chosen is null
            ? client.Details.ToDictionary(d => d.Key, d => DetailValue(d.Value), StringComparer.Ordinal)
            : chosen.ToDictionary(n => n, n => client.Details.TryGetValue(n, out var stored) ? DetailValue(stored) : null, StringComparer.Ordinal);
        foreach (var (key, value) in details) rule.Activity.SetOutput(key, value);
        rule.Set(Details, details);
    }

    /// A multi-value detail reads as its list of values.
    private static object? DetailValue(string? stored) =>
        stored is ['[', ..] ? MultiValueField.Values(stored).ToArray() : stored;
}
