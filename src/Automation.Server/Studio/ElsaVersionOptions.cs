using Automation.Workflows.Persistence;

namespace Automation.Server.Studio;

/// Elsa's `versionOptions` as Studio sends them: `Latest`, `Published`, `LatestOrPublished`, `LatestAndPublished`,
/// `Draft`, `AllVersions` or a version number (also `Version:3`), any case.
public sealed record ElsaVersionOptions(string Kind, int Version = 0)
{
    public static readonly ElsaVersionOptions Latest = new("Latest");
    public static readonly ElsaVersionOptions Published = new("Published");

    private static readonly string[] Kinds = ["Latest", "Published", "LatestOrPublished", "LatestAndPublished", "Draft", "AllVersions"];

    /// The options named by <paramref name="text"/>, or null when it names none (the caller answers 400).
    public static ElsaVersionOptions? Parse(string? text, ElsaVersionOptions fallback)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return fallback;
        if (t.StartsWith("Version:", StringComparison.OrdinalIgnoreCase)) t = t["Version:".Length..];
        if (int.TryParse(t, out var number)) return new ElsaVersionOptions("Version", number);
        return Kinds.FirstOrDefault(k => k.Equals(t, StringComparison.OrdinalIgnoreCase)) is { } kind ? new ElsaVersionOptions(kind) : null;
    }

    public bool Matches(DefinitionRecord version) => Kind switch
    {
        "Published" => version.IsPublished,
        "LatestOrPublished" => version.IsLatest || version.IsPublished,
        "LatestAndPublished" => version.IsLatest && version.IsPublished,
        "Draft" => !version.IsPublished,
        "AllVersions" => true,
        "Version" => version.Version == Version,
        _ => version.IsLatest,
    };

    public override string ToString() => Kind == "Version" ? Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : Kind;
}
