using Automation.Workflows.Builtins;
using Automation.Workflows.Runtime;
using Microsoft.Data.Sqlite;

namespace Automation.Bench;

/// Makes many waiting instances fast: clones a real suspended instance and gives each clone its own bookmark.
internal static class Seeder
{
    public static async Task<int> CloneWaitingAsync(string dbFile, string templateId, int from, int count)
    {
        if (count <= 0) return 0;
        await using var connection = new SqliteConnection($"Data Source={dbFile}");
        await connection.OpenAsync();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
        var instance = connection.CreateCommand();
        instance.Transaction = tx;
        instance.CommandText = """
            INSERT INTO wf_instances ("Id","DefinitionId","DefinitionVersionId","Version","CorrelationId","Status","State","Faults","Message","CreatedAt","UpdatedAt","FinishedAt","Revision")
            SELECT $id,"DefinitionId","DefinitionVersionId","Version",$id,"Status","State",0,NULL,"CreatedAt","UpdatedAt",NULL,1 FROM wf_instances WHERE "Id" = $template
            """;
        var id = instance.Parameters.Add("$id", SqliteType.Text);
        instance.Parameters.AddWithValue("$template", templateId);
        var bookmark = connection.CreateCommand();
        bookmark.Transaction = tx;
        bookmark.CommandText = """
            INSERT INTO wf_bookmarks ("Id","Name","Hash","InstanceId","CorrelationId","ActivityId","Payload","ResumeAt","Data","CreatedAt")
            VALUES ($bid,'Elsa.Event',$hash,$id,$id,'wait',$payload,NULL,NULL,0)
            """;
        var bid = bookmark.Parameters.Add("$bid", SqliteType.Text);
        var hash = bookmark.Parameters.Add("$hash", SqliteType.Text);
        var bookmarkInstance = bookmark.Parameters.Add("$id", SqliteType.Text);
        var payload = bookmark.Parameters.Add("$payload", SqliteType.Text);
        instance.Prepare();
        bookmark.Prepare();
        for (var i = from; i < from + count; i++)
        {
            var instanceId = $"seed-{i}";
            id.Value = instanceId;
            await instance.ExecuteNonQueryAsync();
            var p = Event.Payload($"evt-{i}");
            bid.Value = Ids.New();
            hash.Value = StimulusHash.Compute("Elsa.Event", p);
            bookmarkInstance.Value = instanceId;
            payload.Value = StimulusHash.PayloadJson(p);
            await bookmark.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return count;
    }
}
