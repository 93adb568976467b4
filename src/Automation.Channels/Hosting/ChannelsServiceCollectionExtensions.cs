using Automation.Channels.Calls;
using Automation.Channels.Mail;
using Automation.Channels.MailListener;
using Automation.Channels.Outbox;
using Automation.Channels.Persistence;
using Automation.Channels.Providers;
using Automation.Channels.Sms;
using Automation.Workflows.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Automation.Channels.Hosting;

/// Wires the channels into a host from configuration sections "Mail", "Sms", "Calls" and "Outbox" (docs/channels.md).
/// Options are validated here, at start, so a bad setting stops the host with the key at fault.
public static class ChannelsServiceCollectionExtensions
{
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration, string connectionString,
        DatabaseProvider provider)
    {
        var mail = configuration.GetSection("Mail").Get<MailOptions>() ?? new MailOptions();
        mail.Validate();
        var outbox = configuration.GetSection("Outbox").Get<OutboxOptions>() ?? new OutboxOptions();
        outbox.Validate();
        var sms = ProviderSettings.Read(configuration, "Sms");
        var calls = ProviderSettings.Read(configuration, "Calls");

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.AddSingleton(mail);
        services.AddSingleton(outbox);
        services.AddSingleton<Func<ChannelsDb>>(() => ChannelsDb.Create(connectionString, provider));
        services.AddSingleton<MessageOutbox>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<IEmailTransport, SmtpEmailTransport>();
        services.AddSingleton<IOutboxChannel, EmailChannel>();
        services.AddSingleton<IOutboxChannel, SmsChannel>();
        services.AddSingleton<IOutboxChannel, CallChannel>();
        services.AddSingleton(sp => SmsProvider(sms, sp));
        services.AddSingleton(sp => CallProvider(calls, sp));
        services.TryAddSingleton<IOutboxObserver>(NoOutboxObserver.Instance);
        services.TryAddSingleton<IInboundMailObserver, LoggingInboundMailObserver>();
        services.AddSingleton<OutboxSender>();
        services.AddHostedService<OutboxSenderService>();
        services.AddSingleton(sp => new InboundMailStore(sp.GetRequiredService<Func<ChannelsDb>>(),
            mail.ReplyTo is { } reply ? new ReplyAddresses(reply) : null, sp.GetRequiredService<IInboundMailObserver>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InboundMailStore>>()));
        services.AddSingleton<IInboundMailSink>(sp => sp.GetRequiredService<InboundMailStore>());
        // Port 0 means "off" in the host's configuration (DESIGN.md §6); tests give the listener 0 directly for a free port.
        if (mail.Listener.Port > 0)
        {
            services.AddSingleton(sp => new SmtpListener(mail.Listener, sp.GetRequiredService<IInboundMailSink>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SmtpListener>>()));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SmtpListener>());
        }
        return services;
    }

    private static ISmsProvider SmsProvider(ProviderSettings settings, IServiceProvider services) => settings switch
    {
        { Twilio: { } twilio } => new TwilioSmsProvider(Http(services), twilio),
        { Http: { } http } => new HttpJsonSmsProvider(Http(services), http),
        _ => new LogSmsProvider(services.GetRequiredService<ILogger<LogSmsProvider>>()),
    };

    private static ICallProvider CallProvider(ProviderSettings settings, IServiceProvider services) => settings switch
    {
        { Twilio: { } twilio } => new TwilioCallProvider(Http(services), twilio),
        { Http: { } http } => new HttpJsonCallProvider(Http(services), http),
        _ => new LogCallProvider(services.GetRequiredService<ILogger<LogCallProvider>>()),
    };

    private static HttpClient Http(IServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient("channels");

}

/// The provider chosen in "{Sms|Calls}:Provider" (Log, Twilio or Http) with its settings, read and checked at start.
internal sealed record ProviderSettings(TwilioOptions? Twilio, HttpJsonProviderOptions? Http)
{
    public static ProviderSettings Read(IConfiguration configuration, string section)
    {
        var choice = configuration[$"{section}:Provider"] ?? "Log";
        switch (choice.ToLowerInvariant())
        {
            case "log":
                return new ProviderSettings(null, null);
            case "twilio":
                var twilio = Bind<TwilioOptions>(configuration, $"{section}:Twilio");
                twilio.Validate($"{section}:Twilio");
                return new ProviderSettings(twilio, null);
            case "http":
                var http = Bind<HttpJsonProviderOptions>(configuration, $"{section}:Http");
                http.Validate($"{section}:Http");
                return new ProviderSettings(null, http);
            default:
                throw new ChannelValidationException($"{section}:Provider", $"must be Log, Twilio or Http, not '{choice}'");
        }
    }

    private static T Bind<T>(IConfiguration configuration, string path) where T : class =>
        configuration.GetSection(path).Get<T>() ?? throw new ChannelValidationException(path, "is required by the chosen provider");
}

/// Until the host registers its own observer, incoming mail is only logged.
internal sealed partial class LoggingInboundMailObserver(ILogger<LoggingInboundMailObserver> logger) : IInboundMailObserver
{
    public Task ReceivedAsync(IncomingEmail email, CancellationToken cancellationToken)
    {
        LogReceived(logger, email.Id, email.OrderId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Incoming email {Id} stored (order {OrderId}); no observer is registered")]
    private static partial void LogReceived(ILogger logger, long id, long? orderId);
}
