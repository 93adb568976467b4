using System.Data;
using System.Data.Common;
using Automation.Server.Api;
using Automation.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Server.Tests.Operations;

/// Request handlers read on kept connections: the statements EF Core prepared on one stay prepared for the next read.
/// A connection opened per read was closed after it, and SQLite compiled every query again (the order and client reads
/// that answer each payment cost more than the payment's own statements).
public sealed class ReadConnectionTests
{
    [Fact]
    public async Task A_request_read_leaves_its_connection_open_for_the_next_read()
    {
        await using var host = await ServiceHost.StartAsync();
        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();
        var store = host.Services.GetRequiredService<StoreAccess>();

        DbConnection? used = null;
        var number = await store.ReadAsync(async db =>
        {
            used = db.Database.GetDbConnection();
            return await db.Orders.Where(o => o.Id == id).Select(o => o.Number).SingleAsync();
        }, CancellationToken.None);

        Assert.Equal("1001", number);
        Assert.Equal(ConnectionState.Open, used!.State);
        Assert.Equal("1001", (await host.GetAsync($"/api/orders/{id}"))["number"]!.GetValue<string>());
    }
}
