namespace Automation.Workflows.Persistence.Rows;

/// What one step writes when its unit of work commits: the instance row, the bookmarks it consumed, released and
/// created, and its journal lines.
internal sealed class StepRows
{
    public required InstanceRecord Instance { get; init; }

    /// The revision the step loaded; null for a new instance.
    public long? LoadedRevision { get; init; }

    /// The bookmarks this step (or these steps) resume: each must still exist when the unit commits, so that it is
    /// consumed once.
    public IReadOnlyList<string> Consumed { get; init; } = [];

    public IReadOnlyList<string> Released { get; init; } = [];
    public IReadOnlyList<BookmarkRecord> Created { get; init; } = [];
    public IReadOnlyList<Runtime.JournalEntry> Journal { get; init; } = [];

    /// A later step of the same instance in the same unit of work, folded into this one: one write of the instance over
    /// the revision first loaded, and bookmarks created and then consumed or released here never reach the database.
    public StepRows Then(StepRows later)
    {
        var gone = later.Consumed.Concat(later.Released).ToHashSet(StringComparer.Ordinal);
        var createdHere = Created.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        return new StepRows
        {
            Instance = later.Instance,
            LoadedRevision = LoadedRevision,
            Consumed = [.. Consumed, .. later.Consumed.Where(id => !createdHere.Contains(id))],
            Released = [.. Released, .. later.Released.Where(id => !createdHere.Contains(id))],
            Created = [.. Created.Where(b => !gone.Contains(b.Id)), .. later.Created],
            Journal = [.. Journal, .. later.Journal],
        };
    }

    /// The instance's bookmarks once this unit commits, given those stored now.
    public List<BookmarkRecord> BookmarksAfter(IEnumerable<BookmarkRecord> stored)
    {
        var gone = Consumed.Concat(Released).ToHashSet(StringComparer.Ordinal);
        return [.. stored.Where(b => !gone.Contains(b.Id)), .. Created];
    }

    /// First phase, before the other modules save: take the bookmarks (a resume that lost the race stops here).
    public async Task RemoveBookmarksAsync(StepUnitOfWork work, CancellationToken ct)
    {
        foreach (var id in Consumed)
            if (!await BookmarkRows.DeleteAsync(work, id, ct)) throw new Runtime.BookmarkGoneException(id);
        foreach (var id in Released) await BookmarkRows.DeleteAsync(work, id, ct);
    }

    /// Second phase: the instance (checked against its loaded revision), new bookmarks and the journal.
    public async Task WriteAsync(StepUnitOfWork work, CancellationToken ct)
    {
        if (LoadedRevision is { } loaded) await InstanceRows.UpdateAsync(work, Instance, loaded, ct);
        else await InstanceRows.InsertAsync(work, Instance, ct);
        foreach (var bookmark in Created) await BookmarkRows.InsertAsync(work, bookmark, ct);
        await JournalRows.InsertAsync(work, Instance.Id, Instance.CorrelationId, Journal, ct);
    }
}
