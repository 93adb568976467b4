namespace Automation.Workflows.Persistence.Rows;

/// Reads `wf_definitions` on the hot path: which version of each definition is published.
internal static class DefinitionRows
{
    private static readonly Statement Published = new("SELECT \"DefinitionId\", \"Id\" FROM wf_definitions WHERE \"IsPublished\"");

    public static async Task<List<(string DefinitionId, string VersionId)>> PublishedAsync(ICommandSource source, CancellationToken ct)
    {
        var published = new List<(string, string)>();
        await using var reader = await source.Command(Published).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) published.Add((reader.GetString(0), reader.GetString(1)));
        return published;
    }
}
