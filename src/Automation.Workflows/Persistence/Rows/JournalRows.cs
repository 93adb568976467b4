using System.Buffers;
using System.Data;
using System.Text;
using System.Text.Json;
using Automation.Workflows.Runtime;
using static Automation.Workflows.Persistence.Rows.CommandValues;

namespace Automation.Workflows.Persistence.Rows;

/// Appends a step's journal lines to `wf_journal`, one row per line (the run log reads them per activity). The lines go
/// in as one JSON array that one prepared insert unpacks, in their order: on SQLite binding ten parameters per line by
/// name cost more than the inserts themselves, and on PostgreSQL a statement per line was a round trip per line (four
/// per payment in the HTTP benchmark).
internal static class JournalRows
{
    private const string Columns =
        "\"InstanceId\", \"CorrelationId\", \"ActivityId\", \"ActivityType\", \"ActivityName\", \"Event\", \"StartedAt\", " +
        "\"FinishedAt\", \"Message\", \"Data\"";

    private static readonly Statement InsertSqliteBatch = new(
        $"INSERT INTO wf_journal ({Columns}) SELECT @instanceId, @correlationId, " +
        string.Join(", ", Enumerable.Range(0, 8).Select(i => $"json_extract(value, '$[{i}]')")) +
        " FROM json_each(@lines) ORDER BY key",
        ("instanceId", DbType.String), ("correlationId", DbType.String), ("lines", DbType.String));

    // `json`, not `jsonb`: the data object is stored as written (jsonb would reorder its keys).
    private static readonly Statement InsertPostgresBatch = new(
        $"INSERT INTO wf_journal ({Columns}) SELECT @instanceId, @correlationId, " +
        "e->>0, e->>1, e->>2, e->>3, (e->>4)::bigint, (e->>5)::bigint, e->>6, " +
        "CASE WHEN json_typeof(e->7) = 'null' THEN NULL ELSE (e->7)::text END " +
        "FROM json_array_elements(@lines::json) WITH ORDINALITY AS line(e, n) ORDER BY n",
        ("instanceId", DbType.String), ("correlationId", DbType.String), ("lines", DbType.String));

    public static async Task InsertAsync(StepUnitOfWork work, string instanceId, string? correlationId, IReadOnlyList<JournalEntry> lines,
        CancellationToken ct)
    {
        if (lines.Count == 0) return;
        var insert = work.Provider == DatabaseProvider.Sqlite ? InsertSqliteBatch : InsertPostgresBatch;
        await work.Command(insert).With(instanceId, correlationId, ToJson(lines)).ExecuteNonQueryAsync(ct);
    }

    /// `[[activityId, type, name, event, startedAt, finishedAt, message, data], …]`; data stays a JSON object.
    private static string ToJson(IReadOnlyList<JournalEntry> lines)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * lines.Count);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var j in lines)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(j.ActivityId);
                writer.WriteStringValue(j.ActivityType);
                WriteNullable(writer, j.ActivityName);
                writer.WriteStringValue(j.Event);
                writer.WriteNumberValue(Millis(j.StartedAt));
                writer.WriteNumberValue(Millis(j.FinishedAt));
                WriteNullable(writer, j.Message);
                if (j.Data is null) writer.WriteNullValue();
                else j.Data.WriteTo(writer);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteStringValue(value);
    }
}
