using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Orders.Timeline;
using Automation.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using StoreDb = Automation.Orders.Persistence.StoreDb;
using StoreProvider = Automation.Orders.Persistence.DatabaseProvider;

namespace Automation.Reliability.Tests.Support;

/// After the run, what every order went through, read from the database and from the shop's mail provider and SMS
/// gateway, against what its events called for: for an order in status S, exactly the moves new → … → S, each made by
/// one processed event; each status's rules run once; each of its messages delivered once; no event left unprocessed.
public sealed partial class Ledger
{
    public int Orders { get; private set; }
    public int Events { get; private set; }
    public int Moves { get; private set; }
    public int RuleRuns { get; private set; }
    public int MessagesExpected { get; private set; }
    /// Distinct messages received (by Message-ID at the SMTP sink, by Idempotency-Key at the SMS gateway).
    public int MessagesReceived { get; private set; }
    /// Messages the provider got again with the same Message-ID / Idempotency-Key: an attempt a killed node made but
    /// could not record, repeated after its lease (a provider or mail program drops these by their id).
    public int Redeliveries { get; private set; }
    public List<string> Problems { get; } = [];

    public static async Task<Ledger> ReadAsync(Cluster cluster)
    {
        var ledger = new Ledger();
        await ledger.CheckAsync(cluster);
        return ledger;
    }

    public string Summary =>
        $"orders {Orders}, events {Events}, status moves {Moves}, rule runs {RuleRuns}, messages {MessagesReceived}/{MessagesExpected} " +
        $"(re-deliveries of the same message id {Redeliveries}), problems {Problems.Count}";

    private async Task CheckAsync(Cluster cluster)
    {
        var workflowProvider = cluster.IsPostgres ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;
        await using var store = StoreDb.Create(cluster.Database.ConnectionString, cluster.IsPostgres ? StoreProvider.PostgreSql : StoreProvider.Sqlite);
        var orders = await store.Orders.AsNoTracking().Select(o => new { o.Id, o.Number, o.Status }).ToListAsync();
        var changes = (await store.TimelineEntries.AsNoTracking().Where(e => e.Kind == TimelineKind.StatusChange).OrderBy(e => e.Id)
            .Select(e => new { e.OrderId, e.Text }).ToListAsync()).ToLookup(e => e.OrderId, e => e.Text);
        var events = await store.InboxEvents.AsNoTracking().Select(e => new { e.Id, e.OrderId, e.Type, e.ProcessedAt, e.Outcome }).ToListAsync();
        Orders = orders.Count;
        Events = events.Count;
        foreach (var e in events.Where(e => e.ProcessedAt is null)) Problems.Add($"event {e.Id} ({e.Type}, order {e.OrderId}) was never processed");
        foreach (var e in events.Where(e => e.Outcome?.StartsWith("failed", StringComparison.Ordinal) == true)) Problems.Add($"event {e.Id} failed: {e.Outcome}");
        var movedBy = events.Where(e => e.Outcome?.StartsWith("moved", StringComparison.Ordinal) == true).ToLookup(e => e.OrderId);

        List<JournalRecord> journal;
        List<InstanceRecord> instances;
        await using (var connection = await OpenAsync(cluster, workflowProvider))
        await using (var workflows = WorkflowDb.Create(connection, workflowProvider))
        {
            journal = await workflows.Journal.AsNoTracking().Where(j => j.Event == "Completed" && j.ActivityType.StartsWith("Automation.Send")).ToListAsync();
            instances = await workflows.Instances.AsNoTracking().ToListAsync();
        }
        var runs = journal.ToLookup(j => j.CorrelationId);
        List<OutboxMessage> outbox;
        await using (var channels = ChannelsDb.Create(cluster.Database.ConnectionString, workflowProvider))
            outbox = await channels.OutboxMessages.AsNoTracking().ToListAsync();
        foreach (var m in outbox.Where(m => m.Status != OutboxStatus.Sent)) Problems.Add($"outbox message {m.Id} ({m.IdempotencyKey}) is {m.Status}: {m.LastError}");

        var mails = cluster.Sink.Received.ToList();
        var sms = cluster.Gateway.Requests.Select(r => (Text: JsonNode.Parse(r.Body)?["text"]?.GetValue<string>() ?? "", Key: r.Headers.GetValueOrDefault("Idempotency-Key") ?? "")).ToList();
        Redeliveries = mails.Count - mails.Select(m => m.MessageId).Distinct().Count() + sms.Count - sms.Select(s => s.Key).Distinct().Count();

        foreach (var order in orders)
        {
            var reached = Array.IndexOf(LoadWorkflows.Statuses, order.Status);
            if (reached < 0)
            {
                Problems.Add($"order {order.Number} is in unknown status '{order.Status}'");
                continue;
            }
            // Status moves: exactly the chain to the current status, each made by one event.
            var expectedMoves = LoadWorkflows.Statuses.Take(reached + 1).Zip(LoadWorkflows.Statuses.Skip(1).Take(reached)).Select(p => $"{p.First} -> {p.Second}").ToList();
            var moves = changes[order.Id].Select(t => MoveText().Match(t)).Where(m => m.Success).Select(m => $"{m.Groups[1].Value} -> {m.Groups[2].Value}").ToList();
            Moves += moves.Count;
            if (!moves.SequenceEqual(expectedMoves)) Problems.Add($"order {order.Number} ({order.Status}): moves [{string.Join(", ", moves)}], expected [{string.Join(", ", expectedMoves)}]");
            if (movedBy[order.Id].Count() != expectedMoves.Count)
                Problems.Add($"order {order.Number}: {movedBy[order.Id].Count()} event(s) moved it, expected {expectedMoves.Count}");

            // Rules: each status entered ran its rules once, and no activity of one instance completed twice.
            var orderRuns = runs[order.Id.ToString(CultureInfo.InvariantCulture)].ToList();
            var expectedRuns = LoadWorkflows.Statuses.Take(reached + 1).Sum(s => LoadWorkflows.RulesPerStatus[s]);
            RuleRuns += orderRuns.Count;
            if (orderRuns.Count != expectedRuns) Problems.Add($"order {order.Number} ({order.Status}): {orderRuns.Count} rule runs, expected {expectedRuns}");
            foreach (var twice in orderRuns.GroupBy(r => (r.InstanceId, r.ActivityId)).Where(g => g.Count() > 1))
                Problems.Add($"order {order.Number}: rule {twice.Key.ActivityId} ran {twice.Count()} times in instance {twice.Key.InstanceId}");
            var open = instances.Where(i => i.CorrelationId == order.Id.ToString(CultureInfo.InvariantCulture) && i.Status is "Running" or "Suspended").ToList();
            if (open.Any(i => i.DefinitionId != order.Status)) Problems.Add($"order {order.Number} ({order.Status}) has open instances of {string.Join(", ", open.Select(i => i.DefinitionId))}");

            // Messages: each one of the statuses reached, received once (by its id) at the provider.
            foreach (var (status, channel, template) in LoadWorkflows.Messages.Where(m => Array.IndexOf(LoadWorkflows.Statuses, m.Status) <= reached))
            {
                MessagesExpected++;
                var text = string.Format(CultureInfo.InvariantCulture, template, order.Number);
                var distinct = channel == "email"
                    ? mails.Where(m => m.Subject == text).Select(m => m.MessageId).Distinct().Count()
                    : sms.Where(s => s.Text == text).Select(s => s.Key).Distinct().Count();
                MessagesReceived += Math.Min(distinct, 1);
                if (distinct != 1) Problems.Add($"order {order.Number} ({status}): '{text}' by {channel} received as {distinct} distinct message(s), expected 1");
            }
        }
    }

    private static async Task<System.Data.Common.DbConnection> OpenAsync(Cluster cluster, DatabaseProvider provider)
    {
        System.Data.Common.DbConnection connection = provider == DatabaseProvider.PostgreSql
            ? new Npgsql.NpgsqlConnection(cluster.Database.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(cluster.Database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// Waits until no event is left unprocessed and no message undelivered (what a killed node held is taken over when
    /// its lease ends); false when that did not happen within the patience.
    public static async Task<bool> QuietAsync(Cluster cluster, TimeSpan patience)
    {
        var provider = cluster.IsPostgres ? StoreProvider.PostgreSql : StoreProvider.Sqlite;
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            await using var store = StoreDb.Create(cluster.Database.ConnectionString, provider);
            await using var channels = ChannelsDb.Create(cluster.Database.ConnectionString, cluster.IsPostgres ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite);
            if (!await store.InboxEvents.AnyAsync(e => e.ProcessedAt == null) && !await channels.OutboxMessages.AnyAsync(m => m.Status == OutboxStatus.Pending))
                return true;
            await Task.Delay(500);
        }
        return false;
    }

    /// Waits until no workflow instance is left `Running` (what a node killed mid-step strands until some node continues
    /// it); returns the ones still Running when the patience ran out (none when all were continued).
    public static async Task<List<string>> NoneRunningAsync(Cluster cluster, TimeSpan patience)
    {
        var provider = cluster.IsPostgres ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            await using var connection = await OpenAsync(cluster, provider);
            await using var workflows = WorkflowDb.Create(connection, provider);
            var running = await workflows.Instances.AsNoTracking().Where(i => i.Status == "Running")
                .Select(i => new { i.Id, i.DefinitionId, i.CorrelationId, i.UpdatedAt }).ToListAsync();
            if (running.Count == 0 || DateTime.UtcNow >= deadline)
                return running.Select(i => $"instance {i.Id} ({i.DefinitionId}, order {i.CorrelationId}) is still Running, last updated {i.UpdatedAt:HH:mm:ss.fff}").ToList();
            await Task.Delay(250);
        }
    }

    [GeneratedRegex("from '(.*?)' to '(.*?)'")]
    private static partial Regex MoveText();
}
