using Automation.Workflows.Builtins;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;

namespace Automation.Bench;

/// Makes many waiting instances fast: clones a real suspended instance row and gives each clone its own bookmark,
/// with plain inserts in large transactions (running a million workflows would take the benchmark's time).
internal sealed class Seeder(string dbFile, InstanceTemplate template)
{
    private const int PerTransaction = 100_000;

    public static string EventName(int n) => $"evt-{n}";

    public static async Task<Seeder> OpenAsync(string dbFile, string templateId)
    {
        await using var connection = new SqliteConnection($"Data Source={dbFile}");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT \"DefinitionId\", \"DefinitionVersionId\", \"Version\", \"State\", \"CreatedAt\" FROM wf_instances WHERE \"Id\" = $id";
        read.Parameters.AddWithValue("$id", templateId);
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("template instance not found");
        return new Seeder(dbFile, new InstanceTemplate(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4)));
    }

    /// Adds instances seed-{from}.. waiting for events evt-{from}..; then checkpoints, so that the measurement starts
    /// with an empty write-ahead log as a service in its steady state would.
    public async Task AddWaitingAsync(int from, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={dbFile};Pooling=False");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA cache_size=-262144;"); // 256 MB: the hash index takes random inserts
        for (var start = from; start < from + count; start += PerTransaction)
            await InsertAsync(connection, start, Math.Min(PerTransaction, from + count - start));
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    private async Task InsertAsync(SqliteConnection connection, int from, int count)
    {
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var instance = connection.CreateCommand();
        instance.Transaction = tx;
        instance.CommandText = """
            INSERT INTO wf_instances ("Id","DefinitionId","DefinitionVersionId","Version","CorrelationId","Status","State","Faults","Message","CreatedAt","UpdatedAt","FinishedAt","Revision")
            VALUES ($id,$definitionId,$versionId,$version,$id,'Suspended',$state,0,NULL,$at,$at,NULL,1)
            """;
        var id = instance.Parameters.Add("$id", SqliteType.Text);
        instance.Parameters.AddWithValue("$definitionId", template.DefinitionId);
        instance.Parameters.AddWithValue("$versionId", template.VersionId);
        instance.Parameters.AddWithValue("$version", template.Version);
        instance.Parameters.AddWithValue("$state", template.State);
        instance.Parameters.AddWithValue("$at", template.CreatedAt);
        await using var bookmark = connection.CreateCommand();
        bookmark.Transaction = tx;
        bookmark.CommandText = """
            INSERT INTO wf_bookmarks ("Id","Name","Hash","InstanceId","CorrelationId","ActivityId","Payload","ResumeAt","Data","CreatedAt")
            VALUES ($bid,'Elsa.Event',$hash,$id,$id,'wait',$payload,NULL,NULL,$at)
            """;
        var bid = bookmark.Parameters.Add("$bid", SqliteType.Text);
        var hash = bookmark.Parameters.Add("$hash", SqliteType.Text);
        var bookmarkInstance = bookmark.Parameters.Add("$id", SqliteType.Text);
        var payload = bookmark.Parameters.Add("$payload", SqliteType.Text);
        bookmark.Parameters.AddWithValue("$at", template.CreatedAt);
        for (var i = from; i < from + count; i++)
        {
            id.Value = bookmarkInstance.Value = $"seed-{i}";
            await instance.ExecuteNonQueryAsync();
            var p = Event.Payload(EventName(i));
            bid.Value = Ids.New();
            hash.Value = StimulusHash.Compute(Event.TypeName, p);
            payload.Value = StimulusHash.PayloadJson(p);
            await bookmark.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// The columns a seeded instance copies from the real suspended instance.
internal sealed record InstanceTemplate(string DefinitionId, string VersionId, int Version, string State, long CreatedAt);
