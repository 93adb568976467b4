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
    public static string New() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// Elsa-style 16 hex character id for definitions and activities.
    public static string NewShort() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}
