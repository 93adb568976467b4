using System.Buffers.Binary;
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

/// Opaque URL-safe ids that sort by when they were made: 22 characters, the first 8 the milliseconds since 1970 and the
/// other 14 random (84 bits). Rows keyed by them (instances, bookmarks, and the journal's index by instance) go in at the
/// right-hand end of their indexes, where the units of one commit share pages; with ids all random each unit wrote a
/// page of its own in each of those indexes, a fifth of the pages a payment wrote to the log.
public static class Ids
{
    public const int Length = 22;

    // The 64 URL-safe characters in ASCII order, so that ids compare ordinally (SQLite's BINARY collation) as their
    // times do.
    private const string Digits = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    [ThreadStatic] private static byte[]? randomBytes;
    [ThreadStatic] private static int used;

    /// A new id. The random bits come from the system's secure generator, drawn 4 KB at a time (one call per id was a
    /// measurable part of a run) and never handed out twice.
    public static string New() => New(DateTimeOffset.UtcNow);

    internal static string New(DateTimeOffset at)
    {
        var bytes = randomBytes ??= new byte[4096];
        if (used == 0 || used + 16 > bytes.Length)
        {
            RandomNumberGenerator.Fill(bytes);
            used = 0;
        }
        var drawn = bytes.AsSpan(used, 16);
        var bits = (Time: (ulong)Math.Max(0, at.ToUnixTimeMilliseconds()), High: BinaryPrimitives.ReadUInt64LittleEndian(drawn),
            Low: BinaryPrimitives.ReadUInt64LittleEndian(drawn[8..]));
        drawn.Clear();
        used += 16;
        return string.Create(Length, bits, static (chars, bits) =>
        {
            Write(chars[..8], bits.Time);  // 48 bits: good until the year 10889
            Write(chars[8..18], bits.High); // 60 random bits
            Write(chars[18..], bits.Low);   // 24 random bits
        });
    }

    /// The low 6 × chars.Length bits of value, most significant first.
    private static void Write(Span<char> chars, ulong value)
    {
        for (var i = chars.Length - 1; i >= 0; i--, value >>= 6) chars[i] = Digits[(int)(value & 63)];
    }

    /// Elsa-style 16 hex character id for definitions and activities.
    public static string NewShort() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
}
