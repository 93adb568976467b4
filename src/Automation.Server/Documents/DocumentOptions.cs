using System.ComponentModel.DataAnnotations;

namespace Automation.Server.Documents;

/// `Documents:*` — how PDFs are printed from documents' HTML: which Chromium, how long one print may take, how many
/// run at once, and how often the printer looks for PDFs nobody woke it for (e.g. after a restart).
public sealed record DocumentOptions
{
    public const string Section = "Documents";
    [Required] public string ChromiumPath { get; init; } = "/usr/bin/chromium";
    /// Chromium's sandbox needs user namespaces, which containers and root often lack; turn it on where it works.
    public bool ChromiumSandbox { get; init; }
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan PdfTimeout { get; init; } = TimeSpan.FromSeconds(60);
    [Range(1, 16)] public int MaxConcurrentPrints { get; init; } = 2;
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")] public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);
}
