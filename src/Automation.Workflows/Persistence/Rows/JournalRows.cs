using System.Buffers;
using System.Data;
using System.Text;
using System.Text.Json;
using Automation.Workflows.Runtime;
using static Automation.Workflows.Persistence.Rows.CommandValues;

namespace Automation.Workflows.Persistence.Rows;

/// Appends a step's journal lines to `wf_journal`, one row per line (the run log reads them per activity). On SQLite
/// the lines go in as one JSON array that one prepared insert unpacks: binding ten parameters per line by name costs
/// more than the inserts themselves.
internal static class JournalRows
{
    private const string Columns =
        "\"InstanceId\", \"CorrelationId\", \"ActivityId\", \"ActivityType\", \"ActivityName\", \"Event\", \"StartedAt\", " +
        "\"FinishedAt\", \"Message\", \"Data\"";

    private static readonly Statement Insert = new(
        $"INSERT INTO wf_journal ({Columns}) VALUES (@instanceId, @correlationId, @activityId, @activityType, " +
        "@activityName, @event, @startedAt, @finishedAt, @message, @data)",
        ("instanceId", DbType.String), ("correlationId", DbType.String), ("activityId", DbType.String), ("activityType", DbType.String),
        ("activityName", DbType.String), ("event", DbType.String), ("startedAt", DbType.Int64), ("finishedAt", DbType.Int64),
        ("message", DbType.String), ("data", DbType.String));

    private static readonly Statement InsertSqliteBatch = new(
        $"INSERT INTO wf_journal ({Columns}) SELECT @instanceId, @correlationId, " +
        string.Join(", ", Enumerable.Range(0, 8).Select(i => $"json_extract(value, '$[{i}]')")) +
        " FROM json_each(@lines) ORDER BY key",
        ("instanceId", DbType.String), ("correlationId", DbType.String), ("lines", DbType.String));

    public static async Task InsertAsync(StepUnitOfWork work, string instanceId, string? correlationId, IReadOnlyList<JournalEntry> lines,
        CancellationToken ct)
    {
        if (lines.Count == 0) return;
        if (work.Provider == DatabaseProvider.Sqlite)
        {
            await work.Command(InsertSqliteBatch).With(instanceId, correlationId, ToJson(lines)).ExecuteNonQueryAsync(ct);
            return;
        }
        foreach (var j in lines)
        {
            await work.Command(Insert).With(instanceId, correlationId, j.ActivityId, j.ActivityType, j.ActivityName, j.Event,
                Millis(j.StartedAt), Millis(j.FinishedAt), j.Message, j.Data?.ToJsonString()).ExecuteNonQueryAsync(ct);
        }
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
