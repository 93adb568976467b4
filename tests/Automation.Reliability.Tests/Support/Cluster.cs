using System.Globalization;

namespace Automation.Reliability.Tests.Support;

/// Several nodes of the service on one database, with the shop's mail provider (an SMTP sink) and SMS gateway (a fake
/// HTTP API) they all send to, and the chaos: a node killed with SIGKILL and started again at random moments.
public sealed class Cluster : IAsyncDisposable
{
    public const string SigningKey = "reliability-signing-key";

    private readonly Random _random;
    private int _kills;

    private Cluster(IReadOnlyList<NodeProcess> nodes, MailSink sink, FakeGateway gateway, TestDatabase database, bool postgres, Random random)
    {
        Nodes = nodes;
        Sink = sink;
        Gateway = gateway;
        Database = database;
        IsPostgres = postgres;
        _random = random;
    }

    public IReadOnlyList<NodeProcess> Nodes { get; }
    public MailSink Sink { get; }
    public FakeGateway Gateway { get; }
    public TestDatabase Database { get; }
    public bool IsPostgres { get; }
    public int Kills => _kills;

    /// <paramref name="extra"/>: further settings for every node (`Section__Key` = value), over the ones below.
    public static async Task<Cluster> StartAsync(int nodes, bool postgres, int seed, IReadOnlyDictionary<string, string>? extra = null)
    {
        var sink = await MailSink.StartAsync();
        var gateway = await FakeGateway.StartAsync();
        var database = postgres ? await TestDatabases.PostgresAsync() : TestDatabases.NewSqliteFile("reliability.db");
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = postgres ? "PostgreSQL" : "Sqlite",
            ["ConnectionStrings__Automation"] = database.ConnectionString,
            ["Pipeline__PumpInterval"] = "00:00:00.250",
            // Short leases, so that what a killed node held is taken over within the run.
            ["Pipeline__EventLease"] = "00:00:05",
            ["Outbox__Lease"] = "00:00:10",
            ["Outbox__PollInterval"] = "00:00:00.250",
            ["Mail__Mailboxes__0__Name"] = "shop",
            ["Mail__Mailboxes__0__Host"] = "127.0.0.1",
            ["Mail__Mailboxes__0__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail__Mailboxes__0__Tls"] = "None",
            ["Mail__Mailboxes__0__FromAddress"] = "orders@shop.test",
            ["Mail__TrackingBaseUrl"] = "http://localhost",
            ["Mail__ReplyTo__Domain"] = "replies.shop.test",
            ["Mail__ReplyTo__Secret"] = "reliability-reply-secret",
            ["Sms__Provider"] = "Http",
            ["Sms__Http__Url"] = gateway.BaseUrl + "/send",
            ["Sms__Http__From"] = "TeapotShop",
            ["Limits__MaxBodyBytes"] = "65536",
            ["Webhooks__SigningKey"] = SigningKey,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        var list = Enumerable.Range(1, nodes).Select(n => NodeProcess.Create($"n{n}", LoadWorkflows.Files(), settings)).ToList();
        var cluster = new Cluster(list, sink, gateway, database, postgres, new Random(seed));
        // Together: on PostgreSQL the nodes prepare the database one at a time and all come up.
        await Task.WhenAll(list.Select(n => n.StartAsync()));
        return cluster;
    }

    /// A running node, chosen at random (any node takes any request); null while none runs.
    public NodeProcess? AnyLiveNode()
    {
        var live = Nodes.Where(n => n.IsRunning).ToList();
        lock (_random) return live.Count == 0 ? null : live[_random.Next(live.Count)];
    }

    public int Next(int min, int max)
    {
        lock (_random) return _random.Next(min, max);
    }

    /// Until stopped or `kills` are done: waits a random while, kills a random node with SIGKILL, waits a little
    /// (the others go on serving), and starts it again.
    public async Task ChaosAsync(int kills, TimeSpan pause, CancellationToken stop)
    {
        while (_kills < kills && !stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Next((int)pause.TotalMilliseconds / 2, (int)pause.TotalMilliseconds * 3 / 2)), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var victim = Nodes[Next(0, Nodes.Count)];
            await victim.KillAsync();
            Interlocked.Increment(ref _kills);
            await Task.Delay(Next(200, 2000), CancellationToken.None);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await victim.StartAsync();
                    break;
                }
                catch (Exception error) when (attempt < 3)
                {
                    lock (Problems) Problems.Add($"restart {attempt} of {victim.Name} failed: {error.Message}");
                    await victim.KillAsync();
                }
            }
        }
    }

    /// After a random while around <paramref name="after"/>, kills a random node with SIGKILL and never starts it again:
    /// from then on only the others take requests (<see cref="AnyLiveNode"/> picks running nodes only) and must finish
    /// what the dead one left. Returns the victim.
    public async Task<NodeProcess> KillForGoodAsync(TimeSpan after)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Next((int)after.TotalMilliseconds / 2, (int)after.TotalMilliseconds * 3 / 2)));
        var victim = Nodes[Next(0, Nodes.Count)];
        await victim.KillAsync();
        Interlocked.Increment(ref _kills);
        return victim;
    }

    /// What went wrong with the nodes themselves: failed restarts, nodes that exited without being killed.
    public List<string> Problems { get; } = [];

    /// Nodes that are down although nobody killed them (a crash): the run cannot go on without them.
    public IEnumerable<string> UnexpectedExits => Nodes.Select(n => n.UnexpectedExit).OfType<string>();

    /// The store's tables, read directly (what the checks and an interrupted client's lookup use).
    public Automation.Orders.Persistence.StoreDb Store() => Automation.Orders.Persistence.StoreDb.Create(Database.ConnectionString,
        IsPostgres ? Automation.Orders.Persistence.DatabaseProvider.PostgreSql : Automation.Orders.Persistence.DatabaseProvider.Sqlite);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        await Sink.DisposeAsync();
        await Gateway.DisposeAsync();
        Database.Dispose();
    }
}
