using Automation.Orders.Documents;
using Automation.Server.Api;
using Automation.Server.Events;
using Microsoft.Extensions.Options;

namespace Automation.Server.Documents;

/// Prints the documents' pending PDFs outside any step (Chromium takes seconds; a step must not hold the database
/// that long), when the Create CRM document rule wakes it after its step commits, and every Documents:PollInterval
/// for PDFs left over (a restart, another node). Each outcome is stored with "document.converted", processed at once,
/// so a rule waiting for the PDF goes on.
public sealed class PdfPrinting(
    StoreAccess store, EventIntake intake, ChromiumPdfPrinter printer, IOptions<DocumentOptions> options, TimeProvider clock,
    ILogger<PdfPrinting> logger) : BackgroundService, IPdfPrinterQueue
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken; one pass prints everything pending.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PrintPendingAsync(stoppingToken);
                await wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The database was busy or gone for a moment: the PDFs stay pending and the next pass takes them.
                logger.LogError(error, "Printing pending PDFs failed; trying again in {Interval}", options.Value.PollInterval);
                await wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    private async Task PrintPendingAsync(CancellationToken ct)
    {
        while (await store.ReadAsync(db => new DocumentPdfs(db, clock).PendingAsync(options.Value.MaxConcurrentPrints * 2, ct), ct) is { Count: > 0 } pending)
            await Task.WhenAll(pending.Select(pdf => PrintAsync(pdf, ct)));
    }

    private async Task PrintAsync(PendingPdf pdf, CancellationToken ct)
    {
        byte[]? content = null;
        string? error = null;
        try
        {
            content = await printer.PrintAsync(pdf.Html, ct);
        }
        catch (PdfPrintException failure)
        {
            error = failure.Message;
            logger.LogWarning("The PDF of document {DocumentId} could not be made: {Error}", pdf.DocumentId, error);
        }
        await intake.ChangeAsync(db => content is null
            ? new DocumentPdfs(db, clock).FailedAsync(pdf, error!, ct)
            : new DocumentPdfs(db, clock).PrintedAsync(pdf, content, ct), ct);
    }
}
