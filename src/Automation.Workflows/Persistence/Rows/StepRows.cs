namespace Automation.Workflows.Persistence.Rows;

/// What one step writes when its unit of work commits: the instance row, the bookmarks it consumed, released and
/// created, and its journal lines.
internal sealed class StepRows
{
    public required InstanceRecord Instance { get; init; }

    /// The revision the step loaded; null for a new instance.
    public long? LoadedRevision { get; init; }

    /// The bookmark this step resumes: it must still exist when the step commits, so that it is consumed once.
    public string? Consumed { get; init; }

    public IReadOnlyList<string> Released { get; init; } = [];
    public IReadOnlyList<BookmarkRecord> Created { get; init; } = [];
    public IReadOnlyList<Runtime.JournalEntry> Journal { get; init; } = [];

    /// First phase, before the other modules save: take the bookmarks (a resume that lost the race stops here).
    public async Task RemoveBookmarksAsync(StepUnitOfWork work, CancellationToken ct)
    {
        if (Consumed is not null && !await BookmarkRows.DeleteAsync(work, Consumed, ct)) throw new Runtime.BookmarkGoneException(Consumed);
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
