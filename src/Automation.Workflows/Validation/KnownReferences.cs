
namespace Automation.Workflows.Validation;

/// What the settings of rules and triggers may name, by the dropdown provider of their input (`OptionsProvider`):
/// order status codes, employee ids, list ids, document template ids, forms, mailboxes. A provider with no set is not
/// checked (e.g. `validate` without a database); the statuses come from the files validated together.
public sealed class KnownReferences
{
    /// The provider of inputs that name an order status; its set is the status codes of the files validated together.
    public const string OrderStatuses = "OrderStatuses";

    private readonly Dictionary<string, ReferenceSet> _sets = new(StringComparer.Ordinal);

    /// No sets: only statuses are checked (from the files).
    public static KnownReferences None => new();

    /// Adds the values a provider offers; <paramref name="what"/> names one of them in messages ("employee").
    public KnownReferences With(string provider, string what, IEnumerable<(string Value, string Text)> values)
    {
        _sets[provider] = new ReferenceSet(what, values.ToList());
        return this;
    }

    public ReferenceSet? For(string provider) => _sets.GetValueOrDefault(provider);

    public bool Checks(string provider) => _sets.ContainsKey(provider);

    /// The providers checked, for the report of what was not.
    public IReadOnlyCollection<string> Providers => _sets.Keys;

    internal KnownReferences WithStatuses(IEnumerable<string> codes)
    {
        var copy = new KnownReferences();
        foreach (var (provider, set) in _sets) copy._sets[provider] = set;
        if (!copy.Checks(OrderStatuses)) copy.With(OrderStatuses, "order status", codes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(c => (c, c)));
        return copy;
    }
}

/// The values one provider offers, with the text a person knows them by ("2 Sales Agent").
public sealed record ReferenceSet(string What, IReadOnlyList<(string Value, string Text)> Items)
{
    private readonly HashSet<string> _values = Items.Select(i => i.Value).ToHashSet(StringComparer.Ordinal);

    public bool Contains(string value) => _values.Contains(value);

    /// The known values for a message, shortened when there are many.
    public string Listing()
    {
        if (Items.Count == 0) return $"no {What} exists";
        var shown = Items.Take(10).Select(i => i.Text == i.Value ? $"'{i.Value}'" : $"'{i.Value}' ({i.Text})");
        return $"known: {string.Join(", ", shown)}{(Items.Count > 10 ? $" and {Items.Count - 10} more" : "")}";
    }
}
