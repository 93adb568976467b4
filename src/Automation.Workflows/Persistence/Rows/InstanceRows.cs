using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using static Automation.Workflows.Persistence.Rows.CommandValues;

namespace Automation.Workflows.Persistence.Rows;

/// Reads and writes `wf_instances` rows on a step's hot path with plain commands (EF's change tracking costs more than
/// the write itself there). The revision check is the instance's optimistic concurrency token.
internal static class InstanceRows
{
    private const string Columns =
        "\"Id\", \"DefinitionId\", \"DefinitionVersionId\", \"Version\", \"CorrelationId\", \"Status\", \"State\", \"Faults\", " +
        "\"Message\", \"CreatedAt\", \"UpdatedAt\", \"FinishedAt\", \"Revision\"";

    private static readonly Statement Select = new(
        $"SELECT {Columns} FROM wf_instances WHERE \"Id\" = @id", ("id", DbType.String));

    private static readonly Statement Insert = new(
        $"INSERT INTO wf_instances ({Columns}) VALUES (@id, @definitionId, @versionId, @version, @correlationId, @status, " +
        "@state, @faults, @message, @createdAt, @updatedAt, @finishedAt, @revision)",
        ("id", DbType.String), ("definitionId", DbType.String), ("versionId", DbType.String), ("version", DbType.Int32),
        ("correlationId", DbType.String), ("status", DbType.String), ("state", DbType.String), ("faults", DbType.Int32),
        ("message", DbType.String), ("createdAt", DbType.Int64), ("updatedAt", DbType.Int64), ("finishedAt", DbType.Int64),
        ("revision", DbType.Int64));

    private static readonly Statement Update = new(
        "UPDATE wf_instances SET \"Status\" = @status, \"State\" = @state, \"Faults\" = @faults, \"Message\" = @message, " +
        "\"UpdatedAt\" = @updatedAt, \"FinishedAt\" = @finishedAt, \"Revision\" = @revision WHERE \"Id\" = @id AND \"Revision\" = @expected",
        ("status", DbType.String), ("state", DbType.String), ("faults", DbType.Int32), ("message", DbType.String),
        ("updatedAt", DbType.Int64), ("finishedAt", DbType.Int64), ("revision", DbType.Int64), ("id", DbType.String),
        ("expected", DbType.Int64));

    private static readonly Statement OpenOfCorrelation = new(
        "SELECT \"Id\", \"DefinitionId\" FROM wf_instances WHERE \"CorrelationId\" = @correlationId AND \"Status\" IN ('Running', 'Suspended')",
        ("correlationId", DbType.String));

    /// The unfinished (running or suspended) instances of a correlation id, with their definition.
    public static async Task<List<(string Id, string DefinitionId)>> OpenOfCorrelationAsync(StepUnitOfWork work, string correlationId, CancellationToken ct)
    {
        var open = new List<(string, string)>();
        await using var reader = await work.Command(OpenOfCorrelation).With(correlationId).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) open.Add((reader.GetString(0), reader.GetString(1)));
        return open;
    }

    public static async Task<InstanceRecord?> LoadAsync(StepUnitOfWork work, string instanceId, CancellationToken ct)
    {
        await using var reader = await work.Command(Select).With(instanceId).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public static async Task InsertAsync(StepUnitOfWork work, InstanceRecord r, CancellationToken ct) =>
        await work.Command(Insert).With(r.Id, r.DefinitionId, r.DefinitionVersionId, r.Version, r.CorrelationId, r.Status, r.State,
            r.Faults, r.Message, Millis(r.CreatedAt), Millis(r.UpdatedAt), Millis(r.FinishedAt), r.Revision).ExecuteNonQueryAsync(ct);

    /// Writes a step's outcome over the revision it was loaded with; another step or node committing first is a
    /// concurrency conflict (the engine reloads and runs the step again).
    public static async Task UpdateAsync(StepUnitOfWork work, InstanceRecord r, long loadedRevision, CancellationToken ct)
    {
        var updated = await work.Command(Update).With(r.Status, r.State, r.Faults, r.Message, Millis(r.UpdatedAt), Millis(r.FinishedAt),
            r.Revision, r.Id, loadedRevision).ExecuteNonQueryAsync(ct);
        if (updated != 1)
            throw new DbUpdateConcurrencyException($"Instance '{r.Id}' changed since revision {loadedRevision} was loaded.");
    }

    private static InstanceRecord Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        DefinitionId = reader.GetString(1),
        DefinitionVersionId = reader.GetString(2),
        Version = reader.GetInt32(3),
        CorrelationId = MaybeText(reader, 4),
        Status = reader.GetString(5),
        State = reader.GetString(6),
        Faults = reader.GetInt32(7),
        Message = MaybeText(reader, 8),
        CreatedAt = Moment(reader, 9),
        UpdatedAt = Moment(reader, 10),
        FinishedAt = MaybeMoment(reader, 11),
        Revision = reader.GetInt64(12),
    };
}
