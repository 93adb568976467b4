using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Automation.Server.Documents;

/// Prints HTML to PDF with headless Chromium (`--print-to-pdf`), one process per document in a throwaway profile, at
/// most Documents:MaxConcurrentPrints at once, each killed after Documents:PdfTimeout.
public sealed class ChromiumPdfPrinter(IOptions<DocumentOptions> settings, ILogger<ChromiumPdfPrinter> logger)
{
    private readonly DocumentOptions options = settings.Value;
    private readonly SemaphoreSlim slots = new(settings.Value.MaxConcurrentPrints);

    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        if (!File.Exists(options.ChromiumPath))
            throw new PdfPrintException($"Chromium was not found at '{options.ChromiumPath}' (Documents:ChromiumPath): install chromium or point the setting at it.");
        await slots.WaitAsync(ct);
        var folder = Directory.CreateTempSubdirectory("automation-pdf-").FullName;
        try
        {
            var page = Path.Combine(folder, "document.html");
            var pdf = Path.Combine(folder, "document.pdf");
            await File.WriteAllTextAsync(page, html, ct);
            var (exitCode, errors) = await RunAsync(Arguments(folder, page, pdf), ct);
            var bytes = File.Exists(pdf) ? await File.ReadAllBytesAsync(pdf, ct) : [];
            if (exitCode != 0 || !bytes.AsSpan().StartsWith("%PDF"u8))
                throw new PdfPrintException($"Chromium exited with code {exitCode} without printing the PDF: {LastLine(errors)}");
            return bytes;
        }
        finally
        {
            slots.Release();
            DeleteQuietly(folder);
        }
    }

    private List<string> Arguments(string folder, string page, string pdf)
    {
        List<string> arguments =
        [
            "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--mute-audio", "--no-pdf-header-footer",
            $"--user-data-dir={Path.Combine(folder, "profile")}", $"--print-to-pdf={pdf}", new Uri(page).AbsoluteUri,
        ];
        if (!options.ChromiumSandbox) arguments.Insert(1, "--no-sandbox");
        return arguments;
    }

    private async Task<(int ExitCode, string Errors)> RunAsync(List<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.ChromiumPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PdfPrintException($"Chromium at '{options.ChromiumPath}' did not start.");
        }
        catch (Win32Exception e)
        {
            throw new PdfPrintException($"Chromium at '{options.ChromiumPath}' (Documents:ChromiumPath) could not be started: {e.Message}");
        }
        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(options.PdfTimeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                ct.ThrowIfCancellationRequested();
                logger.LogWarning("Chromium did not print a PDF within {Timeout}; it was stopped", options.PdfTimeout);
                throw new PdfPrintException($"Chromium did not print the PDF within {options.PdfTimeout.TotalSeconds:0.#} s (Documents:PdfTimeout).");
            }
            return (process.ExitCode, await errors);
        }
    }

    /// The last line Chromium wrote that is not about the missing desktop bus (always there when headless).
    private static string LastLine(string errors) =>
        errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(line => !line.Contains("dbus", StringComparison.OrdinalIgnoreCase)) is { } line
            ? line.Length > 300 ? line[..300] : line
            : "it wrote nothing";

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A Chromium helper still closing a file; the temp folder is cleaned by the OS later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// A PDF could not be printed; the message says why in a user's words (it goes to the order's timeline and run log).
public sealed class PdfPrintException(string message) : Exception(message);
