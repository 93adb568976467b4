using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Automation.Workflows.Runtime;

/// What a waiting activity asks for: the stimulus name (normally its activity type), the match payload, and for
/// timers the moment to resume.
public sealed record BookmarkRequest(string Name, object? Payload = null, DateTimeOffset? ResumeAt = null, JsonObject? Data = null);

/// A stored bookmark: an instance waiting at an activity for a stimulus. Its id is an opaque, unguessable token
/// usable in a resume URL.
public sealed record Bookmark(
    string Id, string Name, string Hash, string InstanceId, string? CorrelationId, string ActivityId,
    string? Payload, DateTimeOffset? ResumeAt, string? Data, DateTimeOffset CreatedAt);

/// Elsa's stimulus hash: uppercase hex SHA-256 of `name|payload-json` (PascalCase names, nulls left out).
public static class StimulusHash
{
    private static readonly JsonSerializerOptions PayloadFormat = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        IncludeFields = true,
    };

    public static string Compute(string name, object? payload) => Compute(name, PayloadJson(payload));

    public static string Compute(string name, string? payloadJson)
    {
        var text = string.IsNullOrEmpty(payloadJson) || payloadJson == "{}" ? name : name + "|" + payloadJson;
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string? PayloadJson(object? payload) => payload switch
    {
        null => null,
        string s => s,
        JsonNode n => n.ToJsonString(PayloadFormat),
        _ => JsonSerializer.Serialize(payload, payload.GetType(), PayloadFormat),
    };
}

/// Opaque ids: 128 random bits, URL-safe.
public static class Ids
{
    [ThreadStatic] private static byte[]? randomBytes;
    [ThreadStatic] private static int used;

    /// 22 characters of unpadded base64url. The bits come from the system's secure generator, drawn 4 KB at a time
    /// (one call per id was a measurable part of a run) and never handed out twice.
    public static string New()
    {
        var bytes = randomBytes ??= new byte[4096];
        if (used == 0 || used + 16 > bytes.Length)
        {
            RandomNumberGenerator.Fill(bytes);
            used = 0;
        }
        var id = Base64Url.EncodeToString(bytes.AsSpan(used, 16));
        bytes.AsSpan(used, 16).Clear();
        used += 16;
        return id;
    }

    /// Elsa-style 16 hex character id for definitions and activities.
    public static string NewShort() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}
