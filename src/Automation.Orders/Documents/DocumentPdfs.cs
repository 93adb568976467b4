using Automation.Orders.Events;
using Automation.Orders.Persistence;
using Automation.Orders.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Documents;

/// The PDFs waiting to be printed and how each ended: the printed file, or why it could not be made. Either way the
/// order's timeline says so and "document.converted" {documentId, format, error, waitKey} is raised, which resumes a
/// rule waiting for the PDF.
public sealed class DocumentPdfs(StoreDb db, TimeProvider clock)
{
    private readonly OrderTimeline timeline = new(db, clock);
    private readonly EventInbox inbox = new(db, clock);

    /// The oldest PDFs not printed yet.
    public async Task<IReadOnlyList<PendingPdf>> PendingAsync(int limit, CancellationToken cancellationToken) =>
        await db.DocumentFiles.AsNoTracking()
            .Where(f => f.Status == DocumentFileStatus.Pending && f.Format == DocumentOutput.Pdf)
            .OrderBy(f => f.Id).Take(limit)
            .Join(db.CrmDocuments, f => f.DocumentId, d => d.Id, (f, d) => new PendingPdf(f.Id, d.Id, d.OrderId, d.Title, d.Html))
            .ToListAsync(cancellationToken);

    public Task<bool> PrintedAsync(PendingPdf pdf, byte[] content, CancellationToken cancellationToken) => FinishAsync(pdf, content, null, cancellationToken);

    public Task<bool> FailedAsync(PendingPdf pdf, string error, CancellationToken cancellationToken) => FinishAsync(pdf, null, error, cancellationToken);

    /// False when the file is no longer pending (another node finished it first).
    private async Task<bool> FinishAsync(PendingPdf pdf, byte[]? content, string? error, CancellationToken cancellationToken)
    {
        var file = await db.DocumentFiles.FirstOrDefaultAsync(f => f.Id == pdf.FileId, cancellationToken);
        if (file is not { Status: DocumentFileStatus.Pending }) return false;
        file.Status = content is null ? DocumentFileStatus.Failed : DocumentFileStatus.Ready;
        file.Content = content;
        file.Error = error;
        file.ReadyAt = clock.GetUtcNow();
        if (error is null)
            timeline.Add(TimelineKind.Log, pdf.OrderId, $"PDF of document '{pdf.Title}' is ready", null, new { documentId = pdf.DocumentId, size = content!.Length });
        else
            timeline.Add(TimelineKind.Error, pdf.OrderId, $"PDF of document '{pdf.Title}' could not be made: {error}", null, new { documentId = pdf.DocumentId, error });
        inbox.Raise(EventTypes.DocumentConverted, pdf.OrderId,
            new { documentId = pdf.DocumentId, format = "pdf", error, waitKey = DocumentFile.WaitKey(pdf.DocumentId, DocumentOutput.Pdf) });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
