using System.Text.Json.Serialization;

namespace Automation.Orders.Documents;

/// A file of a document (its PDF or its DOCX), stored in the database with the document so that one backup holds
/// everything and every node of a cluster serves it. A PDF starts Pending and is printed after the step commits.
public sealed class DocumentFile
{
    public long Id { get; set; }
    public long DocumentId { get; set; }
    public DocumentOutput Format { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    [JsonIgnore] public byte[]? Content { get; set; }
    public DocumentFileStatus Status { get; set; }
    /// Why it could not be made (Failed).
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadyAt { get; set; }

    public const string PdfContentType = "application/pdf";

    /// What a rule waiting for the document's PDF waits on (the `waitKey` of "document.converted").
    public static string WaitKey(long documentId, DocumentOutput format) => $"document:{documentId}:{format.ToString().ToLowerInvariant()}";

    /// The file's address for employees; also what the Send email rule accepts as an attachment.
    public static string Url(long documentId, DocumentOutput format) => $"/api/documents/{documentId}/{format.ToString().ToLowerInvariant()}";
}

[JsonConverter(typeof(JsonStringEnumConverter<DocumentFileStatus>))]
public enum DocumentFileStatus { Pending, Ready, Failed }

/// A PDF waiting to be printed: the document's HTML and which file row receives it.
public sealed record PendingPdf(long FileId, long DocumentId, long OrderId, string Title, string Html);

/// Wakes the host's PDF printer when a PDF is waiting (it also looks by itself now and then).
public interface IPdfPrinterQueue
{
    void Wake();
}
