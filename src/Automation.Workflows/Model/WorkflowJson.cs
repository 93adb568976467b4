using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Automation.Workflows.Model;

/// Reads and writes Elsa 3 workflow JSON. Writing keeps every property, known or not, in its original order.
public static class WorkflowJson
{
    private static readonly JsonSerializerOptions FileFormat = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// Parses a workflow definition; a malformed document gives an error naming the file, line and position.
    public static WorkflowDefinition Parse(string json, string source = "<input>")
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: ReadOptions);
        }
        catch (JsonException e)
        {
            throw new WorkflowFormatException(source, e.Path ?? "$",
                $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}");
        }
        if (node is not JsonObject document)
            throw new WorkflowFormatException(source, "$", "a workflow definition must be a JSON object");
        return new WorkflowDefinition(document);
    }

    /// Writes a definition the way the repository keeps its files: two-space indent, UTF-8 kept readable, final newline.
    public static string Write(WorkflowDefinition definition) => Write(definition.Document);

    public static string Write(JsonNode node)
    {
        var text = node.ToJsonString(FileFormat);
        return text.EndsWith('\n') ? text : text + "\n";
    }

    /// Serialises for the wire: compact.
    public static string WriteCompact(JsonNode node) => node.ToJsonString(CompactFormat);

    private static readonly JsonSerializerOptions CompactFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] WriteUtf8(WorkflowDefinition definition) => Encoding.UTF8.GetBytes(Write(definition));

    /// The reader's own words without its 0-based " Path: … | LineNumber: … | BytePositionInLine: …" tail, which
    /// would contradict the 1-based line and position we print.
    private static string FirstSentence(string message)
    {
        var cut = new[] { " Path:", " LineNumber:" }.Select(tail => message.IndexOf(tail, StringComparison.Ordinal))
            .Where(at => at > 0).DefaultIfEmpty(-1).Min();
        return cut > 0 ? message[..cut].TrimEnd('.') : message;
    }
}

/// A workflow file that cannot be read at all.
public sealed class WorkflowFormatException(string source, string jsonPath, string problem)
    : Exception($"{source}: {jsonPath}: {problem}")
{
    public string File { get; } = source;
    public string JsonPath { get; } = jsonPath;
    public string Problem { get; } = problem;
}
