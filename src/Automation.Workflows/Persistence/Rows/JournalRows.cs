using System.Data;
using static Automation.Workflows.Persistence.Rows.CommandValues;

namespace Automation.Workflows.Persistence.Rows;

/// Appends a step's journal lines to `wf_journal`, one prepared insert per line (the run log reads them per activity).
internal static class JournalRows
{
    private static readonly Statement Insert = new(
        "INSERT INTO wf_journal (\"InstanceId\", \"CorrelationId\", \"ActivityId\", \"ActivityType\", \"ActivityName\", \"Event\", " +
        "\"StartedAt\", \"FinishedAt\", \"Message\", \"Data\") VALUES (@instanceId, @correlationId, @activityId, @activityType, " +
        "@activityName, @event, @startedAt, @finishedAt, @message, @data)",
        ("instanceId", DbType.String), ("correlationId", DbType.String), ("activityId", DbType.String), ("activityType", DbType.String),
        ("activityName", DbType.String), ("event", DbType.String), ("startedAt", DbType.Int64), ("finishedAt", DbType.Int64),
        ("message", DbType.String), ("data", DbType.String));

    public static async Task InsertAsync(StepUnitOfWork work, JournalRecord j, CancellationToken ct) =>
        await work.Command(Insert).With(j.InstanceId, j.CorrelationId, j.ActivityId, j.ActivityType, j.ActivityName, j.Event,
            Millis(j.StartedAt), Millis(j.FinishedAt), j.Message, j.Data).ExecuteNonQueryAsync(ct);
}
