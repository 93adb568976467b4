using Automation.Channels.Calls;
using Automation.Channels.Hosting;
using Automation.Channels.Mail;
using Automation.Channels.MailListener;
using Automation.Channels.Outbox;
using Automation.Channels.Sms;
using Automation.Channels.Tests.Support;
using Automation.Workflows.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.Tests.Hosting;

public sealed class AddChannelsTests
{
    private static IHost Build(string connectionString, Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddChannels(builder.Configuration, connectionString, DatabaseProvider.Sqlite);
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Configured_host_sends_outbox_email_to_its_own_listener_and_reports_both_sides()
    {
        await using var channels = await TestChannelsDb.CreateAsync();
        var port = FreePort();
        var sent = new RecordingObserver();
        var received = new RecordingMailObserver();
        using var host = Build(channels.ConnectionString, new()
        {
            ["Mail:Mailboxes:0:Name"] = "shop",
            ["Mail:Mailboxes:0:Host"] = "127.0.0.1",
            ["Mail:Mailboxes:0:Port"] = $"{port}",
            ["Mail:Mailboxes:0:Tls"] = "None",
            ["Mail:Mailboxes:0:FromAddress"] = "shop@shop.test",
            ["Mail:ReplyTo:Domain"] = "replies.shop.test",
            ["Mail:ReplyTo:Secret"] = MailSetup.Secret,
            ["Mail:TrackingBaseUrl"] = "https://shop.test",
            ["Mail:Listener:Port"] = $"{port}",
            ["Outbox:PollInterval"] = "00:00:00.200",
        }, services =>
        {
            services.AddSingleton<IOutboxObserver>(sent);
            services.AddSingleton<IInboundMailObserver>(received);
        });
        await host.StartAsync();

        // The shop's email goes out through the outbox to the listener, as if the client wrote to themselves.
        var email = MailSetup.Email() with { To = new ReplyAddresses(host.Services.GetRequiredService<MailOptions>().ReplyTo!).For(42) };
        await using (var db = channels.Db()) await host.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(db, email);
        host.Services.GetRequiredService<OutboxSender>().Wake();

        var notice = await Eventually(() => received.Received.FirstOrDefault());
        var delivered = await Eventually(() => sent.Delivered.FirstOrDefault());
        await host.StopAsync();

        Assert.Equal((42L, "Ihre Bestellung №42 ist unterwegs", "shop@shop.test"), (notice.OrderId!.Value, notice.Subject, notice.FromAddress));
        Assert.Equal(42, delivered.OrderId);
        Assert.IsType<LogSmsProvider>(host.Services.GetRequiredService<ISmsProvider>());
        Assert.IsType<LogCallProvider>(host.Services.GetRequiredService<ICallProvider>());
    }

    [Fact]
    public void Twilio_and_http_providers_are_chosen_by_configuration()
    {
        using var host = Build("Data Source=unused.db", new()
        {
            ["Sms:Provider"] = "Twilio",
            ["Sms:Twilio:AccountSid"] = "AC1",
            ["Sms:Twilio:AuthToken"] = "t",
            ["Sms:Twilio:From"] = "+1555",
            ["Calls:Provider"] = "Http",
            ["Calls:Http:Url"] = "https://voice.test/calls",
            ["Calls:Http:Headers:X-Api-Key"] = "k",
            ["Mail:Listener:Port"] = "0",
        });

        Assert.IsType<TwilioSmsProvider>(host.Services.GetRequiredService<ISmsProvider>());
        Assert.IsType<HttpJsonCallProvider>(host.Services.GetRequiredService<ICallProvider>());
        Assert.Null(host.Services.GetService<SmtpListener>()); // port 0 = off
        Assert.Equal(3, host.Services.GetServices<IOutboxChannel>().Count());
    }

    [Theory]
    [InlineData("Sms:Provider", "Pigeon", "Sms:Provider")]
    [InlineData("Sms:Provider", "Twilio", "Sms:Twilio")]
    [InlineData("Calls:Provider", "Http", "Calls:Http")]
    [InlineData("Mail:Mailboxes:0:Name", "x", "Mail:Mailboxes:0:FromAddress")]
    [InlineData("Mail:Listener:Port", "70000", "Mail:Listener:Port")]
    [InlineData("Outbox:MaxAttempts", "0", "Outbox:MaxAttempts")]
    public void Bad_setting_stops_the_host_at_start_naming_the_key(string key, string value, string field)
    {
        var error = Assert.Throws<ChannelValidationException>(() => Build("Data Source=unused.db", new() { [key] = value }));

        Assert.StartsWith(field, error.Field);
    }

    [Fact]
    public void Mailbox_password_is_bound_but_never_shown()
    {
        using var host = Build("Data Source=unused.db", new()
        {
            ["Mail:Mailboxes:0:FromAddress"] = "shop@shop.test",
            ["Mail:Mailboxes:0:UserName"] = "shop",
            ["Mail:Mailboxes:0:Password"] = "hunter2-pass",
            ["Mail:Listener:Port"] = "0",
        });

        var mailbox = Assert.Single(host.Services.GetRequiredService<MailOptions>().Mailboxes);
        Assert.Equal("hunter2-pass", mailbox.Password);
        Assert.DoesNotContain("hunter2", mailbox.ToString());
    }

    private static async Task<T> Eventually<T>(Func<T?> probe) where T : class
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (probe() is { } value) return value;
            await Task.Delay(50, patience.Token);
        }
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
