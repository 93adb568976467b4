using System.Data;
using System.Data.Common;
using static Automation.Workflows.Persistence.Rows.CommandValues;

namespace Automation.Workflows.Persistence.Rows;

/// Reads and writes `wf_bookmarks` rows on the hot path; lookups go through the hash and instance indexes.
internal static class BookmarkRows
{
    private const string Columns =
        "\"Id\", \"Name\", \"Hash\", \"InstanceId\", \"CorrelationId\", \"ActivityId\", \"Payload\", \"ResumeAt\", \"Data\", \"CreatedAt\"";

    private static readonly Statement OfInstance = new(
        $"SELECT {Columns} FROM wf_bookmarks WHERE \"InstanceId\" = @instanceId", ("instanceId", DbType.String));

    private static readonly Statement ByHash = new(
        "SELECT \"Id\", \"InstanceId\" FROM wf_bookmarks WHERE \"Hash\" = @hash", ("hash", DbType.String));

    private static readonly Statement ByHashAndCorrelation = new(
        "SELECT \"Id\", \"InstanceId\" FROM wf_bookmarks WHERE \"Hash\" = @hash AND \"CorrelationId\" = @correlationId",
        ("hash", DbType.String), ("correlationId", DbType.String));

    private static readonly Statement InstanceOf = new(
        "SELECT \"InstanceId\" FROM wf_bookmarks WHERE \"Id\" = @id", ("id", DbType.String));

    private static readonly Statement Insert = new(
        $"INSERT INTO wf_bookmarks ({Columns}) VALUES (@id, @name, @hash, @instanceId, @correlationId, @activityId, @payload, " +
        "@resumeAt, @data, @createdAt)",
        ("id", DbType.String), ("name", DbType.String), ("hash", DbType.String), ("instanceId", DbType.String),
        ("correlationId", DbType.String), ("activityId", DbType.String), ("payload", DbType.String), ("resumeAt", DbType.Int64),
        ("data", DbType.String), ("createdAt", DbType.Int64));

    private static readonly Statement Delete = new("DELETE FROM wf_bookmarks WHERE \"Id\" = @id", ("id", DbType.String));

    public static async Task<List<BookmarkRecord>> OfInstanceAsync(StepUnitOfWork work, string instanceId, CancellationToken ct)
    {
        var bookmarks = new List<BookmarkRecord>();
        await using var reader = await work.Command(OfInstance).With(instanceId).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) bookmarks.Add(Read(reader));
        return bookmarks;
    }

    /// The bookmarks waiting for a stimulus hash (optionally of one correlation id): (bookmark id, instance id).
    public static async Task<List<(string Id, string InstanceId)>> MatchingAsync(ICommandSource source, string hash, string? correlationId,
        CancellationToken ct)
    {
        var command = correlationId is null
            ? source.Command(ByHash).With(hash)
            : source.Command(ByHashAndCorrelation).With(hash, correlationId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var matches = new List<(string, string)>();
        while (await reader.ReadAsync(ct)) matches.Add((reader.GetString(0), reader.GetString(1)));
        return matches;
    }

    public static async Task<string?> InstanceOfAsync(ICommandSource source, string bookmarkId, CancellationToken ct) =>
        await source.Command(InstanceOf).With(bookmarkId).ExecuteScalarAsync(ct) as string;

    public static async Task InsertAsync(StepUnitOfWork work, BookmarkRecord b, CancellationToken ct) =>
        await work.Command(Insert).With(b.Id, b.Name, b.Hash, b.InstanceId, b.CorrelationId, b.ActivityId, b.Payload, Millis(b.ResumeAt),
            b.Data, Millis(b.CreatedAt)).ExecuteNonQueryAsync(ct);

    /// Deletes a bookmark; returns whether it was still there (of two racing resumes, one finds it, one doesn't).
    public static async Task<bool> DeleteAsync(StepUnitOfWork work, string bookmarkId, CancellationToken ct) =>
        await work.Command(Delete).With(bookmarkId).ExecuteNonQueryAsync(ct) > 0;

    private static BookmarkRecord Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Hash = reader.GetString(2),
        InstanceId = reader.GetString(3),
        CorrelationId = MaybeText(reader, 4),
        ActivityId = reader.GetString(5),
        Payload = MaybeText(reader, 6),
        ResumeAt = MaybeMoment(reader, 7),
        Data = MaybeText(reader, 8),
        CreatedAt = Moment(reader, 9),
    };
}
