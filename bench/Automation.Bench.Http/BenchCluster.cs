namespace Automation.Bench.Http;

/// The servers one measurement drives: one node on a SQLite file, or N nodes sharing a fresh PostgreSQL database.
/// Requests are spread over the nodes round-robin, as a load balancer would.
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<ServerProcess> _servers;
    private readonly BenchDatabase? _database;

    private BenchCluster(List<ServerProcess> servers, BenchDatabase? database, List<HttpClient> clients)
    {
        _servers = servers;
        _database = database;
        Clients = clients;
    }

    public IReadOnlyList<HttpClient> Clients { get; }
    public int Nodes => _servers.Count;
    public TimeSpan CpuTime => _servers.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.CpuTime);

    /// The client for the i-th request.
    public HttpClient For(int i) => Clients[i % Clients.Count];

    public static async Task<BenchCluster> StartAsync(string configuration, int nodes, bool postgres)
    {
        var database = postgres ? await BenchDatabase.CreateAsync() : null;
        var servers = new List<ServerProcess>();
        // One after the other: the first prepares the database, the others find it ready.
        for (var i = 0; i < nodes; i++) servers.Add(await ServerProcess.StartAsync(configuration, BenchWorkflows.All, database?.ConnectionString));
        var clients = servers.Select(server =>
        {
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", ServerProcess.ApiKey);
            return http;
        }).ToList();
        return new BenchCluster(servers, database, clients);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients) client.Dispose();
        foreach (var server in _servers) await server.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }
}
